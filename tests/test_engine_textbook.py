"""eqprep.engine.textbook: the book's ``common`` names, and scripts in the book's style run unchanged through it."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

from eqprep.engine import textbook as tb

pytestmark = pytest.mark.slow  # trains the textbook's scripts
SCRIPTS = Path(__file__).parent / "textbook_scripts"


@pytest.fixture
def book(monkeypatch, tmp_path):
    """``common.*``, ``two_layer_net`` and ``simple_convnet`` resolve to the module; cwd is a temp dir."""
    names = tb.install_as_common()
    monkeypatch.chdir(tmp_path)
    yield lambda name: runpy.run_path(str(SCRIPTS / name), run_name="__main__")
    for name in names:
        sys.modules.pop(name, None)


def test_every_public_name_of_the_books_common_package_is_there():
    expected = {
        "identity_function", "step_function", "sigmoid", "sigmoid_grad", "relu", "relu_grad", "softmax",
        "sum_squared_error", "cross_entropy_error", "softmax_loss", "numerical_gradient", "numerical_gradient_2d",
        "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Dropout", "BatchNormalization", "Convolution", "Pooling",
        "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "MultiLayerNet", "MultiLayerNetExtend",
        "Trainer", "smooth_curve", "shuffle_dataset", "conv_output_size", "im2col", "col2im",
        "TwoLayerNet", "SimpleConvNet",
    }
    assert expected <= set(tb.__all__) and all(hasattr(tb, name) for name in tb.__all__)


def test_functions_follow_the_formulas():
    assert np.array_equal(tb.step_function(np.array([-1.0, 0.0, 2.0])), [0, 0, 1])
    assert np.array_equal(tb.relu_grad(np.array([-1.0, 0.0, 2.0])), [0.0, 1.0, 1.0])
    assert np.allclose(tb.sigmoid_grad(0.0), 0.25) and np.allclose(tb.softmax(np.array([1, 1])), [0.5, 0.5])
    assert tb.sum_squared_error(np.array([0.1, 0.6, 0.3]), np.array([0, 1, 0])) == pytest.approx(0.13)
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    assert tb.cross_entropy_error(y, 2) == pytest.approx(-np.log(0.6))
    assert tb.cross_entropy_error(y, np.eye(10)[2]) == pytest.approx(-np.log(0.6))
    assert tb.cross_entropy_error(y, 3) > 700   # exact: no "+1e-7" cap at -log(1e-7) = 16.1
    x = np.array([[1.0, 2.0, 0.5]])
    assert tb.softmax_loss(x, np.array([[1]])) == pytest.approx(tb.SoftmaxWithLoss().forward(x, np.array([1])))


def test_numerical_gradient_calls_f_with_x_and_refuses_integers():
    def function_2(x):
        return np.sum(x ** 2)
    assert np.allclose(tb.numerical_gradient(function_2, np.array([3.0, 4.0])), [6.0, 8.0])
    assert np.allclose(tb.numerical_gradient_2d(function_2, np.array([[3.0, 0.0], [0.0, 2.0]])), [[6, 0], [0, 4]])
    with pytest.raises(ValueError, match="浮動小数点"):
        tb.numerical_gradient(function_2, np.array([3, 4]))


def test_util_smooths_and_shuffles_with_the_global_random_state():
    rng = np.random.default_rng(0)
    noisy = np.linspace(2, 0, 200) + rng.normal(0, 0.3, 200)
    smooth = tb.smooth_curve(noisy)
    assert smooth.shape == noisy.shape and np.std(np.diff(smooth)) < np.std(np.diff(noisy)) / 3
    x, t = np.arange(20).reshape(10, 2), np.arange(10)
    np.random.seed(1)
    xs, ts = tb.shuffle_dataset(x, t)
    np.random.seed(1)
    again = tb.shuffle_dataset(x, t)
    assert np.array_equal(xs[:, 0] // 2, ts) and np.array_equal(xs, again[0]) and not np.array_equal(ts, t)


def test_networks_start_from_the_global_random_state():
    np.random.seed(0)
    expected = np.sqrt(2.0 / 64) * np.random.randn(64, 20)
    np.random.seed(0)
    net = tb.MultiLayerNetExtend(64, [20], 10, use_dropout=True, dropout_ration=0.3)
    assert np.allclose(net.params["W1"], expected) and net.layers["Dropout1"].dropout_ratio == 0.3
    np.random.seed(0)
    assert np.allclose(tb.TwoLayerNet(64, 20, 10).params["W1"], 0.01 * expected / np.sqrt(2.0 / 64))
    cnn = tb.SimpleConvNet((1, 8, 8), {"filter_num": 4, "filter_size": 3, "pad": 1, "stride": 1}, 10, 10)
    assert list(cnn.layers) == ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2", "Affine2"]


def test_optimizer_comparison_on_floats(book):
    g = book("ch06_optimizer_compare.py")
    k = np.arange(30)
    x, y = g["paths"]["SGD"]
    assert np.allclose(x, -7.0 * 0.905 ** k) and np.allclose(y, 2.0 * (-0.9) ** k)   # x ← x − 0.95·x/10, y ← y − 0.95·2y
    for name, (x, y) in g["paths"].items():
        assert x[0] == -7.0 and y[0] == 2.0 and np.hypot(x[-1], y[-1]) < 1.0, name


def test_weight_init_activation_histograms(book):
    g = book("ch06_weight_init_histograms.py")
    r = g["results"]
    deep = {key: acts[4] for key, acts in r.items()}
    assert np.mean((deep["sigmoid", "std=1"] < 0.1) | (deep["sigmoid", "std=1"] > 0.9)) > 0.5   # saturated
    assert deep["sigmoid", "std=0.01"].std() < 0.02                                           # all ≈ 0.5
    assert deep["sigmoid", "Xavier"].std() > 0.1                                               # spread out
    assert deep["relu", "std=0.01"].std() < 1e-3                                               # vanishing
    assert r["relu", "Xavier"][4].std() < 0.5 * r["relu", "Xavier"][0].std()                  # shrinks
    assert 0.5 < r["relu", "He"][4].std() / r["relu", "He"][0].std() < 2                       # kept
    assert sum(g["histograms"]["sigmoid", "Xavier", 4]) == 1000 * 100


def test_batch_norm_comparison(book):
    results = book("ch06_batch_norm_compare.py")["results"]
    for scale, (plain, bn) in results.items():
        assert len(plain) == len(bn) == 8
        assert bn[-1] > plain[-1] + 0.5, scale


def test_overfitting_and_weight_decay(book):
    results = book("ch06_overfit_weight_decay.py")["results"]
    (train0, test0), (train1, test1) = results[0], results[0.05]
    assert train0[-1] > 0.95 and train0[-1] - test0[-1] > 0.5        # the big net overfits
    assert train1[-1] - test1[-1] < train0[-1] - test0[-1] - 0.1     # weight decay narrows the gap


def test_overfitting_and_dropout_with_the_books_trainer(book):
    results = book("ch06_overfit_dropout.py")["results"]
    (train0, test0), (train1, test1) = results[False], results[True]
    assert len(train0) == len(test0) == 101                          # one evaluation per epoch
    assert train0[-1] > 0.95 and train0[-1] - test0[-1] > 0.5
    assert train1[-1] - test1[-1] < train0[-1] - test0[-1] - 0.1     # dropout narrows the gap


@pytest.mark.parametrize("script", ["ch05_gradient_check.py", "ch07_gradient_check.py"])
def test_gradient_checks(book, script):
    diffs = book(script)["diffs"]
    assert len(diffs) in (4, 6) and all(d < 1e-8 for d in diffs.values())


def test_cnn_training_with_the_books_trainer_then_saving_and_loading(book, tmp_path):
    g = book("ch07_train_convnet.py")
    trainer = g["trainer"]
    assert len(trainer.train_acc_list) == 8 and len(trainer.train_loss_list) == trainer.max_iter
    assert trainer.test_acc_list[-1] > 0.9 and trainer.train_loss_list[-1] < trainer.train_loss_list[0] / 3
    saved = tmp_path / "params.pkl"
    assert saved.read_bytes()[:2] == b"PK"                           # an .npz (zip) file, not a pickle
    with np.load(saved, allow_pickle=False) as data:
        assert sorted(data.files) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    loaded = book("ch07_load_params.py")
    assert np.array_equal(loaded["W1"], g["network"].params["W1"])
    assert loaded["after"] == g["network"].accuracy(loaded["x_test"], loaded["t_test"]) and loaded["before"] < 0.5


def test_load_params_refuses_a_file_of_another_network(tmp_path):
    net = tb.TwoLayerNet(64, 10, 10)
    net.save_params(tmp_path / "p.npz")
    with pytest.raises(ValueError, match="形が違います"):
        tb.TwoLayerNet(64, 12, 10).load_params(tmp_path / "p.npz")
    (tmp_path / "bad.pkl").write_bytes(b"not numpy")
    with pytest.raises(ValueError, match="読めません"):
        net.load_params(tmp_path / "bad.pkl")
