"""Trainer behaviour (callbacks, cancellation, divergence, early stopping, threads) and the
course's learning comparisons on the 8×8 digits, as real seeded training runs."""

from __future__ import annotations

import queue
import threading
import warnings

import numpy as np
import pytest

from eqprep.engine import MultiLayerNet, SimpleConvNet
from eqprep.engine.data import load_digits, train_test_split
from eqprep.engine.optim import SGD
from eqprep.engine.train import Trainer


@pytest.fixture(scope="module")
def digits():
    x, t = load_digits(dtype=np.float32)
    return train_test_split(x, t, test_ratio=0.2, seed=0)


def deep_net(activation: str = "relu", init="he", **kw) -> MultiLayerNet:
    """The ch06 comparison network scaled to digits: 64-100×4-10."""
    return MultiLayerNet(64, [100, 100, 100, 100], 10, activation=activation, weight_init_std=init,
                         dtype=np.float32, seed=0, **kw)


def train(net, digits, optimizer, lr, steps, **kw):
    x_tr, t_tr, x_te, t_te = digits
    return Trainer(net, optimizer, x_tr, t_tr, x_te, t_te, optimizer_param={"lr": lr},
                   batch_size=128, report_every=100, seed=0, **kw).run(steps)


def test_relu_he_learns_and_sigmoid_std_001_does_not(digits):
    relu = train(deep_net("relu", "he"), digits, "sgd", 0.01, 500).final
    sigmoid = train(deep_net("sigmoid", 0.01), digits, "sgd", 0.01, 500).final
    assert relu.loss < 0.5 and relu.test_acc > 0.85
    assert sigmoid.loss > 2.2 and sigmoid.test_acc < 0.2  # stuck at chance: log 10 ≈ 2.303
    assert relu.test_acc - sigmoid.test_acc > 0.6


def test_he_beats_xavier_beats_std_001_with_relu(digits):
    losses = {init: train(deep_net("relu", init), digits, "sgd", 0.01, 400).final.loss
              for init in ("he", "xavier", 0.01)}
    assert losses["he"] < losses["xavier"] - 0.5
    assert losses["xavier"] < losses[0.01] - 0.1


@pytest.mark.parametrize("adaptive,lr", [("adam", 0.001), ("rmsprop", 0.001)])
def test_adaptive_optimizers_beat_plain_sgd_at_equal_steps(digits, adaptive, lr):
    sgd = train(deep_net(), digits, "sgd", 0.01, 300)
    fast = train(deep_net(), digits, adaptive, lr, 300)
    assert fast.final.loss < sgd.final.loss / 5
    assert fast.history[0].loss < sgd.history[0].loss - 0.5  # already ahead after 100 steps


def test_zero_initialization_leaves_hidden_units_identical(digits):
    net = MultiLayerNet(64, [20, 20], 10, activation="sigmoid", weight_init_std="zeros", seed=0)
    result = train(net, digits, "sgd", 0.5, 200)
    assert result.status == "finished"
    w1, w2 = net.params["W1"], net.params["W2"]
    assert np.abs(w1).max() > 1e-5 and np.abs(w2).max() > 1e-3  # the weights did move ...
    assert np.allclose(w1, w1[:, :1]) and np.allclose(w2, w2[:1, :]) and np.allclose(w2, w2[:, :1])
    h = net.activations()["Activation_function1"]
    assert np.allclose(h, h[:, :1])  # ... but every hidden unit still computes the same thing
    other = MultiLayerNet(64, [20, 20], 10, activation="sigmoid", weight_init_std="xavier", seed=0)
    train(other, digits, "sgd", 0.5, 50)
    assert not np.allclose(other.params["W1"], other.params["W1"][:, :1])


def small_trainer(digits, **kw) -> Trainer:
    x_tr, t_tr, x_te, t_te = digits
    net = MultiLayerNet(64, [30], 10, dtype=np.float32, seed=0)
    kw.setdefault("report_every", 10)
    return Trainer(net, kw.pop("optimizer", SGD(0.1)), x_tr, t_tr, x_te, t_te, batch_size=50, seed=0, **kw)


def test_callback_reports_every_n_steps_and_at_the_end(digits):
    seen = []
    result = small_trainer(digits).run(steps=35, callback=seen.append)
    assert result.status == "finished" and result.steps == 35
    assert [p.step for p in seen] == [10, 20, 30, 35] == [p.step for p in result.history]
    assert seen[-1].epoch == pytest.approx(35 * 50 / len(digits[0]))
    assert all(0 <= p.train_acc <= 1 and 0 <= p.test_acc <= 1 and p.test_loss > 0 for p in seen)
    assert seen[-1].loss < seen[0].loss
    assert "完了" in result.message


def test_epochs_set_the_number_of_steps(digits):
    trainer = small_trainer(digits)
    assert trainer.run(epochs=2).steps == int(np.ceil(2 * len(digits[0]) / 50))


def test_callback_returning_false_cancels(digits):
    result = small_trainer(digits).run(steps=100, callback=lambda p: p.step < 20)
    assert result.status == "cancelled" and result.steps == 20


def test_cancel_event_from_another_thread_stops_a_background_run(digits):
    trainer = small_trainer(digits)
    cancel, resume, reports = threading.Event(), threading.Event(), queue.Queue()
    box = {}

    def on_progress(p):
        reports.put(p)
        resume.wait(timeout=30)   # the worker pauses here until the main thread answers

    worker = threading.Thread(target=lambda: box.setdefault("result", trainer.run(1000, callback=on_progress,
                                                                                  cancel=cancel)))
    worker.start()
    first = reports.get(timeout=30)
    cancel.set()
    resume.set()
    worker.join(timeout=30)
    assert first.step == 10
    assert box["result"].status == "cancelled" and box["result"].steps == 10


def test_divergence_is_reported_not_raised(digits):
    trainer = small_trainer(digits, optimizer=SGD(1e30))
    reports = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = trainer.run(steps=200, callback=reports.append)
    assert result.status == "diverged" and result.steps < 200
    assert "発散" in result.message and np.isnan(reports[-1].loss)


def test_early_stopping_when_the_loss_stops_improving(digits):
    result = small_trainer(digits, optimizer=SGD(0.0), patience=2).run(steps=500)
    assert result.status == "early_stopped" and result.steps == 30
    assert "早期終了" in result.message


def test_layer_statistics_on_request(digits):
    trainer = small_trainer(digits, track_stats=True)
    final = trainer.run(steps=10).final
    (stats,) = final.activations
    assert stats.name == "Activation_function1" and sum(stats.hist) == 50 * 30
    assert 0 <= stats.zero_frac <= 1 and stats.std > 0
    assert set(final.grad_norms) == {"W1", "b1", "W2", "b2"} and all(v > 0 for v in final.grad_norms.values())
    assert small_trainer(digits).run(steps=10).final.activations is None


def test_bad_trainer_arguments_give_japanese_messages(digits):
    with pytest.raises(ValueError, match="batch_size"):
        small_trainer(digits, report_every=0)
    with pytest.raises(ValueError, match="未知の最適化手法"):
        small_trainer(digits, optimizer="lbfgs")


def test_small_cnn_learns_the_digits():
    x, t = load_digits(flatten=False, dtype=np.float32)
    x_tr, t_tr, x_te, t_te = train_test_split(x, t, test_ratio=0.2, seed=0)
    net = SimpleConvNet((1, 8, 8), {"filter_num": 16, "filter_size": 3, "pad": 1}, hidden_size=50,
                        output_size=10, weight_init_std="he", dtype=np.float32, seed=0)
    result = Trainer(net, "adam", x_tr, t_tr, x_te, t_te, optimizer_param={"lr": 0.005},
                     batch_size=100, report_every=100, seed=0).run(300)
    assert result.history[0].loss > 3 * result.final.loss
    assert result.final.test_acc > 0.95


@pytest.mark.parametrize("batchnorm", [False, True])
def test_restore_best_puts_back_the_weights_of_the_best_accuracy_report(digits, batchnorm):
    x_tr, t_tr, x_te, t_te = digits
    net = MultiLayerNet(64, [30], 10, dtype=np.float32, seed=0, use_batchnorm=batchnorm)
    result = Trainer(net, SGD(1.0), x_tr, t_tr, x_te, t_te, batch_size=50, report_every=10, seed=0,
                     monitor="accuracy", restore_best=True).run(steps=100)
    accs = [p.test_acc for p in result.history]
    assert result.status == "finished" and result.restored
    assert result.best.test_acc == max(accs) > accs[-1]       # the last report was worse than the best
    assert net.accuracy(x_te, t_te) == result.best.test_acc   # the net now is the best one (BN stats too)
    assert f"ステップ {result.best.step} の重みに戻しました" in result.message


def test_early_stopping_can_watch_accuracy(digits):
    result = small_trainer(digits, optimizer=SGD(0.0), patience=2, monitor="accuracy").run(steps=500)
    assert result.status == "early_stopped" and result.steps == 30
    assert "検証正解率が改善しなくなった" in result.message and not result.restored
    assert result.best.step == 10
    with pytest.raises(ValueError, match="monitor"):
        small_trainer(digits, monitor="f1")
