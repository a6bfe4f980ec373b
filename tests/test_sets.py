"""大問 (sets), combination blanks, multi-blank code and named mistakes: loading and `check`'s verification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eqprep.bank import load_bank
from eqprep.bank.model import CodeChoiceQuestion, CombinationQuestion
from eqprep.bank.validate import validate
from eqprep.quiz import grade, make_item

CODE_SET = '''
[[set]]
id = "set-relu"
topic = "activation"
tags = ["3-1-4"]
passage = "ReLU レイヤを実装した。"
code = """
class Relu:
    def forward(self, x):
        self.mask = {あ}
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout = dout.copy()
        dout[self.mask] = {い}
        return dout
"""
check = """
r = Relu()
y = r.forward(np.array([-1.0, 2.0, 0.0, 3.0]))
assert np.array_equal(y, [0.0, 2.0, 0.0, 3.0])
assert np.array_equal(r.backward(np.array([5.0, 6.0, 7.0, 8.0])), [0.0, 6.0, 0.0, 8.0])
"""

[[set.question]]
id = "set-relu-mask"
kind = "code_choice"
blank = "あ"
prompt = "(あ) に入るコードを選べ。"
choices = ["(x <= 0)", "(x > 0)", "(x < -1)", "x"]
answer = "(x <= 0)"
explanation = "0 以下を 0 にするマスクです。"

[[set.question]]
id = "set-relu-back"
kind = "code_choice"
blank = "い"
prompt = "(い) に入るコードを選べ。"
choices = ["0", "1", "dout[self.mask] * 2", "-1"]
answer = "0"
explanation = "順伝播で 0 にした位置には勾配が流れません。"
'''

COMBINATION_SET = '''
[[set]]
id = "set-shapes"
topic = "cnn"
tags = ["3-4-1"]
passage = "$x$ は $n$ 次元、$u = Wx$ は $m$ 次元である。"

[[set.question]]
id = "set-shapes-combo"
kind = "combination"
prompt = "$W$ の形は (あ)、$u$ の要素数は (い) である。組み合わせを選べ。"
blanks = ["あ", "い"]
choices = [["(m, n)", "m"], ["(n, m)", "m"], ["(m, n)", "n"], ["(n, m)", "n"]]
answer = ["(m, n)", "m"]
explanation = "$Wx$ が $m$ 次元になるのは $W$ が $m \\\\times n$ のときです。"

[set.question.verify]
"あ" = { shape = "(m, n)", variables = ["m", "n"] }
"い" = { expr = "m", variables = ["m", "n"] }
'''


def _write_set(content: Path, text: str, name: str = "extra.toml") -> Path:
    folder = content / "sets"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _messages(content: Path) -> list[str]:
    return [str(p) for p in validate(load_bank(content, use_cache=False), trust=True)]


def test_code_set_loads_as_questions_that_share_the_set(content_copy: Path) -> None:
    _write_set(content_copy, CODE_SET)
    bank = load_bank(content_copy, use_cache=False)
    assert list(bank.sets) == ["set-relu"]
    qset = bank.sets["set-relu"]
    assert qset.question_ids == ("set-relu-mask", "set-relu-back")
    assert qset.code_labels == ("あ", "い")
    assert "self.mask = (あ)" in qset.display_code and "{" not in qset.display_code.replace("{}", "")
    mask = bank.questions["set-relu-mask"]
    assert isinstance(mask, CodeChoiceQuestion) and mask.group is qset
    assert mask.tags == ("3-1-4",) and mask.topic == "activation"
    # the other blank is filled with its key, this one is the {blank} to try options in
    assert "self.mask = {blank}" in mask.template and "dout[self.mask] = 0" in mask.template
    assert validate(bank, trust=True) == []
    item = make_item(mask, seed=3)
    assert grade(item, str(item.choices.index("(x <= 0)") + 1)).correct


def test_code_set_wrong_option_that_passes_is_reported(content_copy: Path) -> None:
    _write_set(content_copy, CODE_SET.replace('choices = ["0", "1", "dout[self.mask] * 2", "-1"]',
                                              'choices = ["0", "1", "dout[self.mask] * 0", "-1"]'))
    messages = _messages(content_copy)
    assert any("set-relu-back" in m and "dout[self.mask] * 0" in m and "通ってしまいます" in m for m in messages)


def test_code_set_listing_that_fails_with_keys_is_reported(content_copy: Path) -> None:
    _write_set(content_copy, CODE_SET.replace("[0.0, 6.0, 0.0, 8.0]", "[0.0, 6.0, 0.0, 9.0]"))
    messages = _messages(content_copy)
    assert any("[set-relu]" in m and "すべての空欄を正解で埋めたコード" in m for m in messages)
    assert any("[set-relu-mask]" in m and "正解の選択肢が check を通りません" in m for m in messages)


def test_code_blank_without_its_question_or_unknown_blank(content_copy: Path) -> None:
    text = CODE_SET.replace('blank = "い"', 'blank = "う"')
    _write_set(content_copy, text)
    messages = _messages(content_copy)
    assert any("blank 'う' が大問の code にありません" in m for m in messages)
    assert any("[set-relu-mask]" in m and "['い']" in m for m in messages)  # (い) has no 小問 to fill it


def test_set_shape_rules(content_copy: Path) -> None:
    six = "".join(
        f'\n[[set.question]]\nid = "q{i}"\nkind = "choice"\nprompt = "p"\nchoices = ["a", "b", "c", "d"]\n'
        f'answer = ["a"]\nexplanation = "e"\n'
        for i in range(6)
    )
    _write_set(content_copy, '[[set]]\nid = "big"\ntopic = "cnn"\ntags = ["3-4-1"]\npassage = "x"\n' + six)
    _write_set(content_copy, '[[set]]\nid = "empty"\ntopic = "cnn"\ntags = ["3-4-1"]\n' + six[: six.index("[[set.question]]", 5)],
               "b.toml")
    messages = _messages(content_copy)
    assert any("[big]" in m and "1〜5" in m for m in messages)
    assert any("[empty]" in m and "passage" in m for m in messages)


def test_combination_rows_and_verification(content_copy: Path) -> None:
    _write_set(content_copy, COMBINATION_SET)
    bank = load_bank(content_copy, use_cache=False)
    q = bank.questions["set-shapes-combo"]
    assert isinstance(q, CombinationQuestion)
    assert q.choices[0] == "(あ) (m, n)\u3000(い) m" and q.answer == frozenset({q.choices[0]})
    assert validate(bank, trust=True) == []
    item = make_item(q, seed=0)
    assert grade(item, str(item.choices.index(q.choices[0]) + 1)).correct
    assert not grade(item, str(item.choices.index(q.choices[1]) + 1)).correct


def test_combination_wrong_key_and_equivalent_row_are_reported(content_copy: Path) -> None:
    _write_set(content_copy, COMBINATION_SET.replace('"い" = { expr = "m"', '"い" = { expr = "n"'))
    assert any("正解の行の空欄 (い)" in m for m in _messages(content_copy))
    # a second row that is right in every blank (written differently) makes two correct options
    _write_set(content_copy, COMBINATION_SET.replace('["(n, m)", "n"]]', '["(m,n)", "1*m"]]'))
    assert any("正解以外の行 [4]" in m for m in _messages(content_copy))


def test_combination_format_errors(content_copy: Path) -> None:
    _write_set(content_copy, COMBINATION_SET.replace('answer = ["(m, n)", "m"]', 'answer = ["(m, n)", "k"]'))
    assert any("answer は choices のどれか 1 行" in m for m in _messages(content_copy))
    _write_set(content_copy, COMBINATION_SET.replace('["(n, m)", "n"]]', '["(n, m)"]]'))
    assert any("4 行目の要素数 1" in m for m in _messages(content_copy))


def test_lone_code_question_blank_label_must_match_prompt(content_copy: Path) -> None:
    path = content_copy / "questions" / "activation.toml"
    path.write_text(path.read_text(encoding="utf-8") + '''
[[question]]
id = "relu-code"
topic = "activation"
kind = "code_choice"
tags = ["3-1-4"]
prompt = "ReLU を実装した。(き) に入るコードを選べ。"
template = "def relu(x):\\n    return {blank}\\n"
choices = ["np.maximum(0, x)", "np.minimum(0, x)", "np.abs(x)", "x"]
answer = "np.maximum(0, x)"
check = "assert np.array_equal(relu(np.array([-1.0, 2.0])), [0.0, 2.0])"
explanation = "負を 0 にします。"
''', encoding="utf-8")
    messages = _messages(content_copy)
    assert any("[relu-code]" in m and "(き) がコードにありません" in m for m in messages)
    path.write_text(path.read_text(encoding="utf-8").replace("(き) に入る", "(あ) に入る"), encoding="utf-8")
    assert not any("relu-code" in m for m in _messages(content_copy))


NUMERIC_WITH_MISTAKES = '''
[[question]]
id = "conv-size-mistakes"
topic = "cnn"
kind = "numeric"
tags = ["3-4-1"]
prompt = "入力 6、フィルタ 3、ストライド 1、パディング 1 の出力の一辺は?"
answer = 6
formula = "(6 + 2*1 - 3)//1 + 1"
explanation = "."
mistakes = [
  { name = "パディングを忘れた", formula = "(6 - 3)//1 + 1" },
  { name = "+1 を忘れた", formula = "(6 + 2*1 - 3)//1" },
  { name = "フィルタの大きさを引き忘れた", formula = "(6 + 2*1)//1 + 1" },
]
'''


def test_numeric_mistakes_must_differ_from_key_and_each_other(content_copy: Path) -> None:
    path = content_copy / "questions" / "cnn.toml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + NUMERIC_WITH_MISTAKES, encoding="utf-8")
    assert _messages(content_copy) == []
    # a mistake formula that gives the same value as another one is a duplicate option
    path.write_text(original + NUMERIC_WITH_MISTAKES.replace("(6 + 2*1)//1 + 1", "(6 - 3)//1 + 1"), encoding="utf-8")
    assert any("「フィルタの大きさを引き忘れた」の値 4 が「パディングを忘れた」と同じ" in m for m in _messages(content_copy))


def test_parametric_mistake_collision_names_the_seed(content_copy: Path) -> None:
    path = content_copy / "questions" / "cnn.toml"
    path.write_text(path.read_text(encoding="utf-8") + '''
[[question]]
id = "conv-drill-mistakes"
topic = "cnn"
kind = "parametric"
tags = ["3-4-1"]
prompt = "入力 {H}、フィルタ {K}、パディング {P}、ストライド 1 の出力の一辺は?"
answer = "H + 2*P - K + 1"
explanation = "."
mistakes = [
  { name = "パディングを忘れた", formula = "H - K + 1" },
  { name = "+1 を忘れた", formula = "H + 2*P - K" },
  { name = "パディングを片側だけ足した", formula = "H + P - K + 1" },
]

[question.params]
H = { min = 8, max = 16 }
K = { choices = [3, 5] }
P = { min = 0, max = 2 }
''', encoding="utf-8")
    messages = _messages(content_copy)
    assert any("[conv-drill-mistakes]" in m and "P=0" in m and "同じです" in m for m in messages)


def test_check_coverage_json_counts(content_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eqprep.cli import main

    _write_set(content_copy, CODE_SET + COMBINATION_SET)
    code = main(["check", str(content_copy), "--coverage", "--json", "--trust"])
    report = json.loads(capsys.readouterr().out)
    assert (report["sets"], report["set_questions"], report["combination"], report["code_sets"]) == (2, 3, 1, 1)
    assert report["questions"] == 6 + 3
    assert report["areas"]["深層学習"]["sets"] == 2 and report["areas"]["深層学習"]["set_questions"] == 3
    # options all of one length ("0.15"... and the equal-length rows) give no length cue; picking a longest
    # option at random scores 1/4 on each
    assert report["single_choice_questions"] == 2 and report["longest_correct_ids"] == []
    assert report["longest_correct_rate"] == 0.0 and report["pick_longest_score"] == 0.25
    assert report["key_length_rank"] == {"equal": 2} and report["drop_extremes_score"] == 0.25
    assert report["wrong_statement"] == 0 and report["problems"] == []
    assert code == (0 if report["ok"] else 1) and {row["item_id"] for row in report["coverage"]} == {"3-1-4", "3-4-1"}


def test_set_files_are_parsed_once_then_read_from_the_parse_cache(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A second load reuses the parsed set TOML (start-up speed); an edited set file is parsed again."""
    import shutil
    import tomllib
    from types import SimpleNamespace

    import eqprep.bank.sets as sets_module
    from eqprep.paths import content_root

    root = tmp_path / "shipped"
    shutil.copytree(content_root(), root)
    first = load_bank(root)
    parsed: list[str] = []

    def counting(text: str) -> dict[str, object]:
        parsed.append(text)
        return tomllib.loads(text)

    monkeypatch.setattr(sets_module, "tomllib", SimpleNamespace(loads=counting, TOMLDecodeError=tomllib.TOMLDecodeError))
    again = load_bank(root)
    assert parsed == [] and again.sets.keys() == first.sets.keys() and len(first.sets) > 10
    assert {q: again.questions[q].prompt for q in again.questions} == {q: first.questions[q].prompt for q in first.questions}
    edited = sorted((root / "sets").rglob("*.toml"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    load_bank(root)
    assert len(parsed) == 1


def test_key_length_rank_and_the_drop_extremes_guess() -> None:
    """A key that is never the longest is a cue too: guessing among the middle-length options scores above chance."""
    from types import SimpleNamespace
    from typing import cast

    from eqprep.bank.counts import drop_extremes_score, key_length_rank
    from eqprep.bank.model import ChoiceQuestion

    def question(key: str, *others: str) -> ChoiceQuestion:
        return cast(ChoiceQuestion, SimpleNamespace(choices=(key, *others), answer=frozenset({key})))

    middle = question("abcd", "ab", "abcdef", "abc")
    assert key_length_rank(middle) == "middle" and drop_extremes_score(middle) == 0.5
    assert key_length_rank(question("abcdef", "ab", "abcd", "abc")) == "longest"
    assert drop_extremes_score(question("ab", "abcdef", "abcd", "abc")) == 0.0
    assert key_length_rank(question("ab", "cd", "ef", "gh")) == "equal"
    assert drop_extremes_score(question("ab", "cd", "ef", "gh")) == 0.25


CODE_COMBINATION_SET = CODE_SET.split("[[set.question]]")[0] + '''
[[set.question]]
id = "set-relu-combo"
kind = "combination"
prompt = "(あ)(い) に入るコードの組み合わせを選べ。"
blanks = ["あ", "い"]
choices = [["(x <= 0)", "0"], ["(x > 0)", "0"], ["(x <= 0)", "1"], ["x", "-1"]]
answer = ["(x <= 0)", "0"]
explanation = "0 以下を 0 にするマスクで、そこには勾配が流れません。"
'''


def test_a_combination_can_fill_code_blanks_and_each_row_is_run(content_copy: Path) -> None:
    """Rows of a combination 小問 over the listing's blanks are run like code options: the key passes, the rest
    fail; the set's listing is checked with the key row's cells."""
    _write_set(content_copy, CODE_COMBINATION_SET)
    bank = load_bank(content_copy, use_cache=False)
    combo = bank.questions["set-relu-combo"]
    assert isinstance(combo, CombinationQuestion) and combo.group is bank.sets["set-relu"]
    assert "self.mask = {あ}" in combo.template and "dout[self.mask] = {い}" in combo.template
    assert validate(bank, trust=True) == []
    item = make_item(combo, seed=1)
    assert grade(item, str(item.choices.index("(あ) (x <= 0)\u3000(い) 0") + 1)).correct


def test_a_code_combination_row_that_also_passes_or_a_failing_key_is_reported(content_copy: Path) -> None:
    _write_set(content_copy, CODE_COMBINATION_SET.replace('["x", "-1"]', '["~(x > 0)", "0"]'))
    messages = _messages(content_copy)
    assert any("set-relu-combo" in m and "~(x > 0)" in m and "通ってしまいます" in m for m in messages)
    _write_set(content_copy, CODE_COMBINATION_SET.replace('answer = ["(x <= 0)", "0"]', 'answer = ["(x > 0)", "0"]'))
    messages = _messages(content_copy)
    assert any("set-relu-combo" in m and "正解の選択肢が check を通りません" in m for m in messages)


def test_every_code_blank_has_exactly_one_owner_also_with_combinations(content_copy: Path) -> None:
    """A blank filled by both a code_choice and a combination is an error, as is a combination over a PyTorch set."""
    both = CODE_SET + CODE_COMBINATION_SET.split("[[set.question]]", 1)[1].join(["[[set.question]]", ""])
    _write_set(content_copy, both)
    messages = _messages(content_copy)
    assert any("code の空欄 (あ) を埋める小問は 1 つにしてください (2 個)" in m for m in messages)
    _write_set(content_copy, CODE_COMBINATION_SET.replace('passage = "ReLU', 'framework = "pytorch"\npassage = "ReLU'))
    assert any("NumPy の大問で使えます" in m for m in _messages(content_copy))
