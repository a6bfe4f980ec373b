"""The demos API: specs and settings, events, cancellation, determinism, JSON, bank links and the CLI."""

from __future__ import annotations

import json
import threading

import pytest

from eqprep.bank.model import Bank
from eqprep.cli import main
from eqprep.demos import DEMOS, DemoError, DemoEvent, run_demo

NAMES = ["optimizers", "init", "zero-init", "vanishing", "batchnorm", "overfit", "playground", "cnn", "lr-schedule",
         "rnn-gradients"]


def test_every_issue_demo_is_registered_with_japanese_texts() -> None:
    assert list(DEMOS) == NAMES
    for spec in DEMOS.values():
        assert spec.title and spec.summary and len(spec.takeaway) > 80
        assert spec.resolve(None) == spec.defaults()


def test_demo_links_resolve_in_the_shipped_bank(shipped_bank: Bank) -> None:
    bank = shipped_bank
    for spec in DEMOS.values():
        assert spec.note_id in bank.notes, spec.name
        assert spec.question_ids, spec.name
        for qid in spec.question_ids:
            assert qid in bank.questions, (spec.name, qid)


def test_settings_are_parsed_from_text_and_validated() -> None:
    spec = DEMOS["playground"]
    resolved = spec.resolve({"hidden": "8, 8,3", "lr": "0.1", "dataset": "xor", "noise": 0})
    assert resolved["hidden"] == (8, 8, 3) and resolved["lr"] == 0.1 and resolved["dataset"] == "xor"
    assert spec.resolve({"hidden": ""})["hidden"] == ()
    assert DEMOS["vanishing"].resolve({"depth": "4"})["depth"] == 4
    bad = [{"unknown": 1}, {"dataset": "mnist"}, {"lr": "abc"}, {"lr": 100}, {"hidden": "4,x"},
           {"hidden": "0"}, {"grid": 2.5}, {"lr": "nan"}]
    for settings in bad:
        with pytest.raises(DemoError) as info:
            spec.resolve(settings)
        assert "設定" in str(info.value)


def test_bool_settings_accept_words() -> None:
    spec = DEMOS["playground"]
    assert spec.resolve({"batchnorm": "yes"})["batchnorm"] is True
    assert spec.resolve({"batchnorm": "off"})["batchnorm"] is False
    assert spec.resolve({"batchnorm": True})["batchnorm"] is True
    with pytest.raises(DemoError):
        spec.resolve({"batchnorm": "maybe"})
    result = run_demo("playground", {"batchnorm": "on", "grid": 4}, steps=20)
    assert next(iter(result.runs)).endswith("+ BN")


def test_unknown_demo_and_bad_steps_raise_japanese_errors() -> None:
    with pytest.raises(DemoError, match="デモ 'nope' はありません"):
        run_demo("nope")
    with pytest.raises(DemoError, match="ステップ数"):
        run_demo("playground", steps=0)


@pytest.mark.parametrize("name", NAMES)
def test_events_arrive_several_times_per_run_and_end_with_done(name: str) -> None:
    events: list[DemoEvent] = []
    result = run_demo(name, seed=1, steps=30, on_event=events.append)
    assert not result.cancelled
    for label, run in result.runs.items():
        mine = [e for e in events if e.run == label]
        once = run.group in ("schedule", "backprop")        # computed in one go: a single done event
        epochs = 1 + 2 if name == "playground" else 5        # playground: before training + 2 epochs of 25 steps
        assert len(mine) >= (1 if once else 2 if run.status == "diverged" else epochs), label
        assert mine[-1].done and not any(e.done for e in mine[:-1])
        assert all(e.demo == name and e.group == run.group for e in mine)
        assert [e.step for e in mine] == sorted(e.step for e in mine)
    json.dumps(result.to_dict())


def test_training_events_carry_metrics_and_group_payloads() -> None:
    events: list[DemoEvent] = []
    run_demo("playground", {"grid": 8}, steps=100, on_event=events.append)
    assert all(len(e.payload["boundary"]) == 8 for e in events)
    assert len(events[0].payload["points"]) == 250 and events[0].payload["bounds"] == [-6.0, 6.0, -6.0, 6.0]
    assert all("points" not in e.payload for e in events[1:])
    assert {"loss", "train_acc", "test_acc"} <= set(events[-1].metrics)
    events.clear()
    run_demo("vanishing", {"depth": 3}, steps=20, on_event=events.append)
    assert all(len(e.payload["grad_norms"]) == 4 for e in events)


@pytest.mark.parametrize("name", ["optimizers", "init", "overfit", "cnn"])
def test_cancel_from_the_callback_returns_the_partial_result(name: str) -> None:
    cancel = threading.Event()
    events: list[DemoEvent] = []

    def on_event(event: DemoEvent) -> None:
        events.append(event)
        if len(events) == 3:
            cancel.set()

    result = run_demo(name, seed=0, on_event=on_event, cancel=cancel)
    assert result.cancelled
    assert len(events) == 3                     # nothing more is computed or sent after the cancel
    assert 1 <= len(result.runs) <= 2
    assert list(result.runs.values())[-1].status == "cancelled"


def test_cancel_before_start_runs_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    result = run_demo("batchnorm", cancel=cancel)
    assert result.cancelled and all(run.status == "cancelled" for run in result.runs.values())


def test_same_seed_same_result_other_seed_differs() -> None:
    a = run_demo("zero-init", seed=3, steps=40).to_dict()
    b = run_demo("zero-init", seed=3, steps=40).to_dict()
    c = run_demo("zero-init", seed=4, steps=40).to_dict()
    assert a == b
    assert a != c


def test_json_output_has_settings_and_series(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "playground", "--steps", "125", "--json", "--set", "hidden=3", "--set", "grid=5"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["settings"]["hidden"] == [3]
    run = data["runs"][0]
    assert len(run["series"]["loss"]) == len(run["series"]["step"]) >= 5
    assert set(run["final"]) >= {"loss", "train_acc", "test_acc"}


def test_cli_table_list_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "zero-init", "--steps", "20"]) == 0
    out = capsys.readouterr().out
    assert "すべて 0" in out and "まとめ" in out and "関連ノート: initialization" in out
    assert main(["demo", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in NAMES)
    for argv in (["demo", "nope"], ["demo", "init", "--set", "foo=1"], ["demo", "init", "--set", "lr"],
                 ["demo", "cnn", "--steps", "-3"], ["demo"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.strip() and "Traceback" not in err


def test_diverged_runs_serialise_nan_as_null() -> None:
    result = run_demo("batchnorm", seed=0, steps=20)
    assert "std 1 BN なし" in result.diverged
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert "null" in text


def test_worker_thread_runs_the_demo_and_cancel_from_another_thread_stops_it() -> None:
    cancel = threading.Event()
    first = threading.Event()
    threads: set[int] = set()
    results = []

    def on_event(_event: DemoEvent) -> None:
        threads.add(threading.get_ident())
        first.set()

    worker = threading.Thread(target=lambda: results.append(
        run_demo("overfit", seed=0, steps=5000, on_event=on_event, cancel=cancel)))
    worker.start()
    assert first.wait(60)
    cancel.set()
    worker.join(60)
    assert not worker.is_alive()
    (result,) = results
    assert result.cancelled and threads == {worker.ident}
    first_run = next(iter(result.runs.values()))
    assert first_run.status == "cancelled" and first_run.series["step"][-1] < 5000


def test_run_demo_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    run_demo("batchnorm", steps=10)          # includes a diverging run
    run_demo("optimizers", {"lr_scale": 100.0, "path_steps": 20}, steps=5)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_rnn_gradients_steps_are_the_time_steps_back_through_time() -> None:
    """`--steps` sets the sequence length T: the norms go back T steps and the findings name T."""
    result = run_demo("rnn-gradients", steps=7)
    for run in result.runs.values():
        assert run.series["lag"] == [float(k) for k in range(8)]
    assert "7 時刻さかのぼると" in " ".join(result.findings)
