"""Named top-level screens, shared by the home keys and the command palette."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from eqprep.tui.session import TRACK_NAMES

if TYPE_CHECKING:
    from eqprep.tui.app import EqprepApp

REVIEW_LIMIT = 200
DRILL_COUNT = 20

TITLES: dict[str, tuple[str, str]] = {
    "review": ("今日の復習", "期限の来た問題と今日の新規問題"),
    "weak": ("弱点ドリル", "忘れやすい問題を集中して解く"),
    "notes": ("ノート", "シラバス順のトピックノート"),
    "search": ("検索", "ノートと問題を全文検索"),
    "exam": ("模擬試験", "時間制限つき、分野別の成績"),
    "stats": ("統計", "保持率・習熟度・学習日"),
    "workbench": ("導出ワークベンチ", "1 行ずつ式変形を検査"),
    "demos": ("学習デモ", "NumPy の学習をライブで見る"),
    "exam_date": ("試験日を設定", "ホームのカウントダウン"),
    "pytorch": ("PyTorch ドリル", "フレームワーク (PyTorch) の問題だけを解く"),
    "framework": ("フレームワークの切り替え", "PyTorch の問題を出題する / しない"),
    "help": ("ヘルプ", "キー操作の一覧"),
}
WITHOUT_SESSION = frozenset({"help", "demos"})


def build(name: str, app: EqprepApp) -> Screen[Any] | None:
    """A fresh screen for `name`, or None (after telling the learner why) when there is nothing to show."""
    session = app.session
    if name == "help":
        from eqprep.tui.screens.help import HelpScreen

        return HelpScreen()
    if name == "demos":
        from eqprep.tui.screens.demos import DemosScreen

        return DemosScreen(seed=app.config.seed or 0)
    assert session is not None
    if name in ("review", "weak"):
        from eqprep.tui.screens.quiz import QuizScreen

        mode, count = ("review", REVIEW_LIMIT) if name == "review" else ("weak", DRILL_COUNT)
        questions = session.study.select(mode=mode, count=count, seed=session.config.seed)
        if not questions:
            app.notify("今日の復習はすべて終わっています。" if name == "review" else "弱点の問題はまだありません。",
                       markup=False)
            return None
        return QuizScreen(session, questions, TITLES[name][0])
    if name == "pytorch":
        from eqprep.study.selection import Filters
        from eqprep.tui.screens.quiz import QuizScreen

        if session.study.framework == "none":
            app.notify("フレームワークの問題は出題しない設定です (f で PyTorch に切り替え)。", markup=False)
            return None
        filters = Filters(framework=session.study.framework)
        questions = session.study.select(filters, mode="drill", count=DRILL_COUNT, seed=session.config.seed)
        return QuizScreen(session, questions, TITLES[name][0]) if questions else None
    if name == "framework":
        track = "none" if session.study.framework == "pytorch" else "pytorch"
        session.study.set_framework(track)
        app.notify(f"フレームワーク: {TRACK_NAMES[track]}", markup=False)
        refresh = getattr(app.screen, "refresh_data", None)
        if callable(refresh):
            refresh()
        return None
    if name == "notes":
        from eqprep.tui.screens.notes import NotesScreen

        return NotesScreen(session)
    if name == "search":
        from eqprep.tui.screens.search import SearchScreen

        return SearchScreen(session)
    if name == "exam":
        from eqprep.tui.screens.exam import ExamSetupScreen

        return ExamSetupScreen(session)
    if name == "stats":
        from eqprep.tui.screens.stats import StatsScreen

        return StatsScreen(session)
    if name == "workbench":
        from eqprep.tui.screens.workbench import WorkbenchScreen

        return WorkbenchScreen(session)
    if name == "exam_date":
        from eqprep.tui.screens.dialogs import ExamDateScreen

        return ExamDateScreen(session)
    app.notify(f"不明な画面: {name}", severity="error", markup=False)
    return None
