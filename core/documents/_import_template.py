"""The /import columns, their limits, and the template workbook that explains them."""

from __future__ import annotations

from core.documents._sheet_files import MAX_BYTES, PREFERRED_SHEET
from core.documents.xlsx import Sheet, workbook_bytes
from core.org.people import NAME_MAX, POST_MAX

MAX_ROWS = 5000
PROJECT_MAX = DOMAIN_MAX = 64
UNIT_MAX = 128
ID_DIGITS = 15

COLUMNS = ["领域", "项目", "单位", "姓名", "职务", "角色", "Telegram ID", "用户名"]
REQUIRED = ("领域", "项目", "姓名")
LIMITS = {"领域": DOMAIN_MAX, "项目": PROJECT_MAX, "单位": UNIT_MAX, "姓名": NAME_MAX,
          "职务": POST_MAX}
EXAMPLE = ["项目建设", "城南快速路二期", "县交通局", "张三", "交通局副局长", "干部", None, None]

_NOTES = [
    ("领域", "必填", f"项目所属领域，如“项目建设”“信访维稳”，最长 {DOMAIN_MAX} 字；"
                   "还没有的领域会新建。"),
    ("项目", "必填", f"项目名称，最长 {PROJECT_MAX} 字；还没有的项目会新建。"
                   "同一项目在各行的领域、单位须一致。"),
    ("单位", "选填", f"项目的牵头单位，如“县交通局”，最长 {UNIT_MAX} 字。"),
    ("姓名", "必填", f"干部或考察员的姓名，最长 {NAME_MAX} 字；"
                   "须与本人 /register 时写的姓名一致。"),
    ("职务", "选填", f"如“交通局副局长”，最长 {POST_MAX} 字。"),
    ("角色", "选填", "“干部”或“考察员”；不填即为干部。"),
    ("Telegram ID", "选填", f"本人的 Telegram 数字 id（最多 {ID_DIGITS} 位）。"
                          "这一列已设为文本格式，请保持，"
                          "以免 Excel 把长数字变成 1.23457E+11 这样的科学计数法。"),
    ("用户名", "选填", "本人的 Telegram 用户名，5–32 位字母、数字或下划线，可带 @。"),
]
_RULES = [
    "既没有 Telegram ID 也没有用户名的人员，"
    "在该项目的工作群里用完全相同的姓名发送 /register 时自动关联。",
    "同一人参加多个项目时，每个项目写一行；各行的姓名、职务、Telegram ID、用户名须一致。",
    "导入前先检查整个文件：文件本身有问题（格式不对、缺表头、含公式、超出上限）时"
    "什么都不写入；个别行有问题时只跳过这些行，并逐行说明原因。",
    f"文件不超过 {MAX_BYTES // (1024 * 1024)} MB，数据不超过 {MAX_ROWS} 行；"
    "支持 .xlsx 和 .csv（UTF-8 或 GB18030 编码），旧版 .xls 请另存为 .xlsx。",
    "单元格里不要用公式，只填文字和数字；第 1 行是表头，表头不认识的列会被忽略。",
]


def template_workbook() -> bytes:
    """Return the template /import sends: the header, one example row, and a sheet of notes."""
    text = {COLUMNS.index("Telegram ID"): "@", COLUMNS.index("用户名"): "@"}
    return workbook_bytes([
        Sheet(PREFERRED_SHEET, None, COLUMNS, [EXAMPLE], number_formats=text),
        Sheet("说明", None, ["列", "是否必填", "说明"],
              [*_NOTES, ("", "", ""), *(("注意", "", rule) for rule in _RULES)]),
    ])
