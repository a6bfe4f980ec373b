"""Load 大問 (`[[set]]` in content/sets/*.toml): shared passage/code, 1-5 小問 that join the bank as questions."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eqprep.bank.cache import ParseCache

from eqprep.bank.model import (
    Bank,
    CodeChoiceQuestion,
    CombinationQuestion,
    Problem,
    QuestionSet,
    fill_labels,
)

MAX_QUESTIONS = 5
FRAMEWORKS = ("", "numpy", "pytorch", "tensorflow")
_SET_KEYS = {"id", "topic", "tags", "title", "passage", "code", "setup", "check", "framework", "source", "question"}
_INHERITED = ("topic", "tags")
_LABEL_IN_TEXT = re.compile(r"[(（]([\u3041-\u3093])[)）]")


def load_sets(base: Path, bank: Bank, cache: ParseCache | None = None) -> list[Path]:
    """Read every content/sets/**/*.toml (parsed TOML reused from `cache` when the file is unchanged); a bad
    set never hides the others. Returns the files read, so the caller's cache can keep their entries."""
    folder = base / "sets"
    if not folder.is_dir():
        return []
    paths = sorted(folder.rglob("*.toml"))
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            cached = cache.get(path, text) if cache else None
            data = cached[0] if cached else tomllib.loads(text)
            if cache and not cached:
                cache.put(path, text, data, [])
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"at line (\d+)", str(exc))
            bank.problems.append(Problem(path, int(match.group(1)) if match else None, f"TOML の構文エラー: {exc}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            bank.problems.append(Problem(path, None, f"ファイルを読めません: {exc}"))
            continue
        unknown_top = set(data) - {"set"}
        if unknown_top:
            bank.problems.append(Problem(path, None, f"不明なトップレベルのキー: {', '.join(sorted(unknown_top))} (sets には [[set]] だけを書きます)"))
        lines = _header_lines(text)
        raw_sets = data.get("set", [])
        if not isinstance(raw_sets, list):
            bank.problems.append(Problem(path, None, "[[set]] の配列にしてください"))
            continue
        for index, raw in enumerate(raw_sets):
            set_line, question_lines = lines[index] if index < len(lines) else (None, [])
            _load_set(raw, path, set_line, question_lines, bank)
    return paths


def _header_lines(text: str) -> list[tuple[int, list[int]]]:
    """For each [[set]], its header line and the lines of its [[set.question]] headers."""
    out: list[tuple[int, list[int]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped == "[[set]]":
            out.append((number, []))
        elif stripped == "[[set.question]]" and out:
            out[-1][1].append(number)
    return out


def _load_set(raw: Any, path: Path, line: int | None, question_lines: list[int], bank: Bank) -> None:
    """Build one set and add its 小問 to the bank (each with `group` pointing at the set)."""
    from eqprep.bank.loader import _Invalid, build_question

    sid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    try:
        qset = _build_set(raw, path, line)
    except ValueError as exc:
        bank.problems.append(Problem(path, line, str(exc), sid))
        return
    if qset.id in bank.sets or qset.id in bank.questions:
        bank.problems.append(Problem(path, line, "大問の id が重複しています (問題 id とも重複できません)", qset.id))
        return
    ids: list[str] = []
    answers = _code_answers(raw["question"], qset)
    for index, sub in enumerate(raw["question"]):
        qline = question_lines[index] if index < len(question_lines) else line
        qid = sub.get("id") if isinstance(sub, dict) and isinstance(sub.get("id"), str) else None
        try:
            filled = _inherit(sub, qset, answers)
            question = dataclasses.replace(build_question(filled, path, qline), group=qset)
        except (_Invalid, ValueError) as exc:
            bank.problems.append(Problem(path, qline, f"大問 {qset.id} の小問: {exc}", qid))
            continue
        if question.id in bank.questions or question.id in bank.sets:
            other = bank.questions.get(question.id)
            where = f" (最初の定義: {other.path}:{other.line})" if other else ""
            bank.problems.append(Problem(path, qline, f"問題 id が重複しています{where}", question.id))
            continue
        bank.questions[question.id] = question
        ids.append(question.id)
    bank.sets[qset.id] = dataclasses.replace(qset, question_ids=tuple(ids))
    for qid in ids:  # every 小問 points at the final set (with its question ids)
        bank.questions[qid] = dataclasses.replace(bank.questions[qid], group=bank.sets[qset.id])


def _set_table(raw: Any) -> dict[str, Any]:
    """The [[set]] table once it is a table with the required keys and no unknown one; else ValueError."""
    if not isinstance(raw, dict):
        raise ValueError("[[set]] は表にしてください")
    missing = [k for k in ("id", "topic", "tags", "question") if k not in raw]
    if missing:
        raise ValueError(f"大問の必須フィールドがありません: {', '.join(missing)}")
    unknown = set(raw) - _SET_KEYS
    if unknown:
        raise ValueError(f"大問に不明なフィールド: {', '.join(sorted(unknown))}")
    return raw


def _build_set(raw: Any, path: Path, line: int | None) -> QuestionSet:
    """The set's own fields, or ValueError with a Japanese reason."""
    raw = _set_table(raw)
    texts = {}
    for key in ("id", "topic", "title", "passage", "code", "setup", "check", "framework"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise ValueError(f"大問の '{key}' は文字列にしてください")
        texts[key] = value
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", texts["id"]):
        raise ValueError(f"大問の id '{texts['id']}' は英小文字・数字・'-' だけにしてください")
    tags = raw["tags"]
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        raise ValueError("大問の tags はシラバス項目 id のリスト (1 つ以上) にしてください")
    if not (texts["passage"].strip() or texts["code"].strip()):
        raise ValueError("大問には passage (文章) か code (コード) の少なくとも一方が必要です")
    if texts["framework"] not in FRAMEWORKS:
        raise ValueError(f"framework は {' / '.join(f for f in FRAMEWORKS if f)} のいずれかです")
    questions = raw["question"]
    if not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
        raise ValueError(f"大問には [[set.question]] (小問) を 1〜{MAX_QUESTIONS} 個書いてください")
    source = raw.get("source")
    if source is not None and not isinstance(source, str):
        raise ValueError("大問の 'source' は文字列にしてください")
    return QuestionSet(
        id=texts["id"], topic=texts["topic"], tags=tuple(tags), path=path, line=line, title=texts["title"],
        passage=texts["passage"], code=texts["code"], setup=texts["setup"], check=texts["check"],
        framework=texts["framework"], source=source,
    )


def _code_answers(questions: list[Any], qset: QuestionSet) -> dict[str, str]:
    """The key of each code blank, by label: a code_choice 小問's answer, or a cell of a code combination's
    answer row."""
    answers = {}
    for sub in questions:
        if not isinstance(sub, dict) or "template" in sub:
            continue
        if sub.get("kind") == "code_choice":
            label, answer = sub.get("blank"), sub.get("answer")
            if isinstance(label, str) and isinstance(answer, str):
                answers[label] = answer
        elif _code_combination(sub, qset):
            answers.update(zip(sub["blanks"], sub["answer"], strict=False))
    return answers


def _code_combination(sub: dict[str, Any], qset: QuestionSet) -> bool:
    """A combination 小問 whose blanks are blanks of the set's code listing (run like code_choice options)."""
    blanks = sub.get("blanks")
    return (sub.get("kind") == "combination" and isinstance(blanks, list) and bool(blanks)
            and all(b in qset.code_labels for b in blanks) and isinstance(sub.get("answer"), list)
            and all(isinstance(cell, str) for cell in sub["answer"]))


def _inherit(sub: Any, qset: QuestionSet, answers: Mapping[str, str]) -> dict[str, Any]:
    """A 小問's TOML table completed from its set: topic/tags, and for code 小問 the program to run."""
    if not isinstance(sub, dict):
        raise ValueError("[[set.question]] は表にしてください")
    filled = dict(sub)
    for key in _INHERITED:
        filled.setdefault(key, list(qset.tags) if key == "tags" else qset.topic)
    if filled.get("source") is None and qset.source:
        filled["source"] = qset.source
    if filled.get("kind") == "code_choice" and "template" not in sub:
        filled.update(_code_choice_program(sub, qset, answers))
    elif "template" not in sub and _code_combination(sub, qset):
        filled.update(_combination_program(sub, qset, answers))
    return filled


def _code_choice_program(sub: dict[str, Any], qset: QuestionSet, answers: Mapping[str, str]) -> dict[str, str]:
    """A code_choice 小問's program: the set's code with the other blanks keyed and its own as {blank}."""
    label = sub.get("blank")
    if not isinstance(label, str) or label not in qset.code_labels:
        labels = " ".join(f"{{{x}}}" for x in qset.code_labels) or "なし"
        raise ValueError(f"code_choice の blank '{label}' が大問の code にありません (code の空欄: {labels})")
    return _set_program(sub, qset, answers, {label: "{blank}"})


def _combination_program(sub: dict[str, Any], qset: QuestionSet, answers: Mapping[str, str]) -> dict[str, str]:
    """A code combination's program: the set's code with the other blanks keyed and its own left as {あ}..."""
    if qset.framework not in ("", "numpy"):
        raise ValueError("コードの空欄の組み合わせは NumPy の大問で使えます (framework の大問はまだ検証できません)")
    return _set_program(sub, qset, answers, {label: "{" + label + "}" for label in sub["blanks"]})


def _set_program(sub: dict[str, Any], qset: QuestionSet, answers: Mapping[str, str],
                 own: Mapping[str, str]) -> dict[str, str]:
    """template/check/setup of a code 小問: the set's code with `own` blanks as given and every other one keyed."""
    for key in ("check", "setup"):
        if key in sub:
            raise ValueError(f"大問のコードを使う小問には {key} を書きません (大問の {key} を使います)")
    missing = [x for x in qset.code_labels if x not in own and x not in answers]
    if missing:
        raise ValueError(f"code の空欄 {missing} を埋める小問がありません (各空欄に code_choice か組み合わせの小問が 1 つ必要)")
    return {"template": fill_labels(qset.code, {**answers, **own}), "check": qset.check, "setup": qset.setup}


def _keys(qset: QuestionSet, bank: Bank) -> dict[str, str]:
    """The keyed option of each code 小問, by the blank it fills."""
    keys = {}
    for q in (bank.questions[qid] for qid in qset.question_ids):
        if isinstance(q, CodeChoiceQuestion) and q.blank in qset.code_labels:
            keys[q.blank] = q.answer
        elif isinstance(q, CombinationQuestion) and q.template:
            keys.update(zip(q.blanks, q.answer_row, strict=True))
    return keys


def listing_program(qset: QuestionSet, bank: Bank) -> str | None:
    """The set's code with every blank keyed, then its check (None when there is nothing complete to run)."""
    from eqprep.bank.codecheck import option_program

    keys = _keys(qset, bank)
    if not qset.code_labels or not qset.check.strip() or set(keys) != set(qset.code_labels):
        return None
    return option_program(qset.setup, fill_labels(qset.code, keys), "", qset.check)


def set_problems(bank: Bank, listing_failures: Mapping[str, str]) -> Iterator[Problem]:
    """Per set: known topic/tags, code blanks each owned by one 小問, labels agree, and (from `listing_failures`,
    set id → why the fully keyed listing failed its check, '' when it passed) the whole listing passes."""
    for qset in bank.sets.values():
        def problem(message: str, qs: QuestionSet = qset) -> Problem:
            return Problem(qs.path, qs.line, message, qs.id)

        if qset.topic not in bank.notes:
            yield problem(f"topic '{qset.topic}' のノートがありません")
        for tag in qset.tags:
            if tag not in bank.syllabus:
                yield problem(f"シラバスにないタグ '{tag}'")
        questions = [bank.questions[q] for q in qset.question_ids]
        for message in (*_owner_messages(qset, questions), *_label_messages(qset, questions)):
            yield problem(message)
        if qset.code_labels and not qset.check.strip():
            yield problem("空欄のある code には、正解で埋めたプログラムを検査する check が必要です")
        if listing_failures.get(qset.id):
            yield problem(f"すべての空欄を正解で埋めたコードが check を通りません: {listing_failures[qset.id]}")


def _owner_messages(qset: QuestionSet, questions: list[Any]) -> Iterator[str]:
    """Each blank of the set's code is filled by exactly one code 小問 (a code_choice, or a code combination)."""
    owners: dict[str, int] = {}
    for q in questions:
        if isinstance(q, CodeChoiceQuestion) and q.template and qset.code and "{blank}" in q.template:
            owners[q.blank] = owners.get(q.blank, 0) + 1
        elif isinstance(q, CombinationQuestion) and q.template:
            for label in q.blanks:
                owners[label] = owners.get(label, 0) + 1
    for label in qset.code_labels:
        if owners.get(label, 0) != 1:
            yield f"code の空欄 ({label}) を埋める小問は 1 つにしてください ({owners.get(label, 0)} 個)"


def _label_messages(qset: QuestionSet, questions: list[Any]) -> Iterator[str]:
    """Blank labels named in a 小問 must exist in the set's code or passage, or in the 小問 itself."""
    visible = set(qset.code_labels) | set(_LABEL_IN_TEXT.findall(qset.passage))
    for q in questions:
        own = set(q.blanks) if isinstance(q, CombinationQuestion) else set()
        for label in sorted(set(_LABEL_IN_TEXT.findall(q.prompt)) - visible - own):
            yield f"小問 {q.id} の問題文の空欄 ({label}) が大問の code / passage にありません"
