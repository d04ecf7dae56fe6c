"""Names sort as users read them: by pinyin, a polyphonic surname read as the surname."""

from __future__ import annotations

import subprocess
import sys

from core.common.names import in_pinyin_order, leaders_first, pinyin_key


def test_pinyin_order_not_code_points() -> None:
    names = ["刘晓燕", "陈敏", "王磊", "吴建华", "何静"]
    assert in_pinyin_order(names, str) == ["陈敏", "何静", "刘晓燕", "王磊", "吴建华"]


def test_a_surname_is_read_as_a_surname() -> None:
    assert pinyin_key("曾国强")[0][0] == "zeng1"  # not ceng2
    assert pinyin_key("单雄")[0][0] == "shan4"  # not dan1
    assert pinyin_key("曾经")[0][1] == "jing1"  # only the first character is the surname
    names = ["张伟", "曾强", "蔡明"]  # cai < zeng < zhang; as ceng, 曾 would come second
    assert in_pinyin_order(names, str) == ["蔡明", "曾强", "张伟"]


def test_leaders_first_then_pinyin() -> None:
    members = [("王磊", "干部"), ("陈敏", "干部"), ("吴建华", "负责人")]
    ordered = leaders_first(members, role=lambda m: m[1], name=lambda m: m[0])
    assert [m[0] for m in ordered] == ["吴建华", "陈敏", "王磊"]


def test_sorting_loads_no_phrase_dictionary() -> None:
    code = ("import sys; from core.common.names import pinyin_key; pinyin_key('刘晓燕'); "
            "print('pypinyin.phrases_dict' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
