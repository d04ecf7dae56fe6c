"""What the demo's cadres write: daily reports in a district's style, and 周/月梳理 answers."""

from __future__ import annotations

import random

WEEKLY = ("本周完成主要节点任务，下周重点推进{}。",
          "本周进度基本正常，存在问题已报专班协调，下周继续推进{}。")
MONTHLY = ("本月完成计划任务的九成，下月重点抓好{}。",)

DONE = (
    ("桥梁桩基完成{n}根", "K3+200段路基填筑{n}米", "组织管线迁改协调会", "沥青拌合站调试到位",
     "雨污水管道铺设{n}米"),
    ("住院楼浇筑第{n}层楼板", "医疗专项设备选型论证", "幕墙样板段验收",
     "组织参建单位安全检查", "门诊楼二次结构砌筑完成{n}%"),
    ("改厕{n}户", "清理房前屋后垃圾{n}处", "召开村民议事会", "拆除危旧杂房{n}间",
     "污水管网开挖{n}米"),
    ("土地平整{n}亩", "新建机耕路{n}米", "灌溉渠道衬砌{n}米", "开展土壤取样检测",
     "与施工单位核对工程量"),
    ("梳理一件事事项清单{n}项", "窗口办件{n}件零差评", "系统联调测试通过",
     "开展窗口人员业务培训", "走访企业{n}家收集诉求"),
)
PROBLEMS = (
    "部分管线产权单位迁改进度滞后", "连续阴雨影响室外作业", "个别农户对方案有意见，需再做工作",
    "钢材价格上涨，施工单位资金压力大", "跨部门数据接口尚未打通", "用地指标审批仍在省厅流转",
)
PLANS = (
    "明日继续推进现场施工，盯紧安全", "协调供电公司落实临时用电", "组织监理开展质量巡查",
    "走访农户做好政策解释", "对接财政局落实资金拨付", "整理本周进度材料上报专班",
)
INTROS = ("", "", "今天在现场盯了一整天。", "上午开协调会，下午到一线查看。", "按专班部署推进。")


def report(rng: random.Random, project: int, progress: int, *, busy: bool = True) -> str:
    """A report in the district's style; one who is not busy often has nothing done to list."""
    lines = ["#每日动态"]
    intro = rng.choice(INTROS)
    if intro:
        lines.append(intro)
    lines.append(f"进度：{progress}%")
    done = rng.randint(1, 2) if busy or rng.random() < 0.3 else 0
    for item in rng.sample(DONE[project], done):
        lines.append("完成：" + item.format(n=rng.randint(3, 60)))
    if rng.random() < 0.3:
        lines.append("问题：" + rng.choice(PROBLEMS))
    if rng.random() < 0.85:
        lines.append("计划：" + rng.choice(PLANS))
    return "\n".join(lines)


def recap(rng: random.Random, kind: str, focus: str) -> str:
    """A 周/月梳理 answer naming what comes next."""
    text = rng.choice(WEEKLY) if kind == "weekly" else rng.choice(MONTHLY)
    return ("#周报 " if kind == "weekly" else "#月报 ") + text.format(focus)
