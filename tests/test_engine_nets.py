"""MultiLayerNet and SimpleConvNet: backprop equals numerical gradients (float64) and the API holds."""

from __future__ import annotations

import numpy as np
import pytest

from eqprep.engine import MultiLayerNet, SimpleConvNet
from eqprep.engine.gradcheck import relative_error
from eqprep.engine.init import make_weight
from eqprep.engine.layers import Relu
from eqprep.engine.network import make_activation, make_loss

TOL = 1e-6


def assert_gradients_match(net, x, t) -> None:
    """Every analytic gradient agrees with the numerical one (or both vanish, e.g. a bias before BN)."""
    grads = net.gradient(x, t)
    numeric = net.numerical_gradient(x, t)
    assert grads.keys() == net.params.keys() == numeric.keys()
    for key in grads:
        if np.abs(numeric[key]).max() < 1e-9:
            assert np.abs(grads[key]).max() < 1e-9, key
        else:
            assert relative_error(grads[key], numeric[key]) < TOL, key


@pytest.mark.parametrize("kwargs", [
    {},
    {"use_batchnorm": True},
    {"weight_decay_lambda": 0.1},
    {"weight_decay_lambda": 0.1, "regularization": "l1"},
    {"weight_decay_lambda": 0.05, "regularization": "elastic", "l1_ratio": 0.3},
    {"use_batchnorm": True, "weight_decay_lambda": 0.1, "activation": "tanh"},
    {"use_batchnorm": True, "weight_decay_lambda": 0.1, "regularization": "l1", "activation": "sigmoid"},
    {"loss": "mse", "activation": "leaky_relu"},
])
def test_multilayer_net_gradient_check(kwargs):
    rng = np.random.default_rng(0)
    net = MultiLayerNet(5, [6, 4], 3, weight_init_std=0.8 if "activation" in kwargs else "he", seed=1, **kwargs)
    assert_gradients_match(net, rng.standard_normal((7, 5)), rng.integers(0, 3, 7))


def test_multilayer_net_param_and_layer_names():
    net = MultiLayerNet(4, [3, 3], 2, use_batchnorm=True, use_dropout=True, seed=0)
    assert list(net.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"]
    assert list(net.layers)[:4] == ["Affine1", "BatchNorm1", "Activation_function1", "Dropout1"]
    assert net.params["W1"] is net.layers["Affine1"].W  # shared, so in-place updates reach the layers


def test_penalties_add_to_the_loss():
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((4, 3)), rng.integers(0, 2, 4)
    plain = MultiLayerNet(3, [5], 2, seed=3)
    base = plain.loss(x, t)
    ws = [plain.params["W1"], plain.params["W2"]]
    l2 = 0.5 * sum(np.sum(w * w) for w in ws)
    l1 = sum(np.abs(w).sum() for w in ws)
    for reg, expected in [("l2", l2), ("l1", l1), ("elastic", 0.25 * l1 + 0.75 * l2)]:
        net = MultiLayerNet(3, [5], 2, seed=3, weight_decay_lambda=0.1, regularization=reg, l1_ratio=0.25)
        assert net.loss(x, t) == pytest.approx(base + 0.1 * expected)
        net.gradient(x, t)
        assert net.last_loss == pytest.approx(base + 0.1 * expected)


def test_weight_init_names_give_the_documented_scales():
    n = 400
    for spec, std in [("he", np.sqrt(2 / n)), ("relu", np.sqrt(2 / n)), ("xavier", np.sqrt(1 / n)),
                      ("lecun", np.sqrt(1 / n)), (0.01, 0.01)]:
        w = MultiLayerNet(n, [300], 2, weight_init_std=spec, seed=0).params["W1"]
        assert w.std() == pytest.approx(std, rel=0.02), spec
    glorot = MultiLayerNet(n, [300], 2, weight_init_std="glorot", seed=0).params["W1"]
    assert np.abs(glorot).max() <= np.sqrt(6 / 700) and glorot.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert not MultiLayerNet(n, [3], 2, weight_init_std="zeros", seed=0).params["W1"].any()


def test_float32_network_stays_float32():
    rng = np.random.default_rng(0)
    net = MultiLayerNet(6, [5], 3, use_batchnorm=True, dtype=np.float32, seed=0)
    grads = net.gradient(rng.standard_normal((4, 6)), rng.integers(0, 3, 4))
    assert all(g.dtype == np.float32 for g in grads.values())
    assert all(p.dtype == np.float32 for p in net.params.values())


def test_same_seed_same_network_and_accuracy_range():
    a, b = MultiLayerNet(3, [4], 2, seed=5), MultiLayerNet(3, [4], 2, seed=5)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    x, t = np.random.default_rng(1).standard_normal((10, 3)), np.arange(10) % 2
    assert 0.0 <= a.accuracy(x, t, batch_size=3) <= 1.0
    assert a.accuracy(x, t, batch_size=3) == a.accuracy(x, np.eye(2)[t])


def test_predict_proba_gives_probabilities_in_score_order():
    net = MultiLayerNet(3, [4], 5, seed=0)
    x = np.random.default_rng(2).standard_normal((6, 3))
    p = net.predict_proba(x)
    assert np.allclose(p.sum(axis=1), 1) and np.all(p > 0)
    assert np.array_equal(p.argmax(axis=1), net.predict(x).argmax(axis=1))


@pytest.mark.parametrize("kwargs,match", [
    ({"activation": "swish"}, "活性化関数"),
    ({"weight_init_std": "orthogonal"}, "初期化"),
    ({"regularization": "l3", "weight_decay_lambda": 0.1}, "正則化"),
    ({"loss": "hinge"}, "損失"),
    ({"weight_decay_lambda": -1.0}, "weight_decay_lambda"),
    ({"l1_ratio": 1.5}, "l1_ratio"),
])
def test_bad_configuration_gives_japanese_message(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MultiLayerNet(3, [4], 2, **kwargs)


@pytest.mark.parametrize("fused", [True, False])
def test_simple_convnet_gradient_check_two_blocks(fused):
    rng = np.random.default_rng(0)
    net = SimpleConvNet((2, 8, 8), [{"filter_num": 3, "filter_size": 3, "pad": 1},
                                    {"filter_num": 2, "filter_size": 3, "pad": 1}],
                        hidden_size=5, output_size=3, weight_init_std=0.5, seed=0,
                        weight_decay_lambda=0.05, fused=fused)
    assert list(net.params) == ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"]
    assert_gradients_match(net, rng.standard_normal((3, 2, 8, 8)), rng.integers(0, 3, 3))


def test_fused_and_textbook_convnets_agree():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((5, 1, 10, 10)), rng.integers(0, 4, 5)
    nets = [SimpleConvNet((1, 10, 10), {"filter_num": 4, "filter_size": 3}, hidden_size=6, output_size=4,
                          weight_init_std="he", seed=2, fused=f) for f in (True, False)]
    assert list(nets[0].layers)[:1] == ["ConvPoolRelu1"]
    assert list(nets[1].layers)[:3] == ["Conv1", "Relu1", "Pool1"]
    assert np.allclose(nets[0].predict(x), nets[1].predict(x))
    ga, gb = nets[0].gradient(x, t), nets[1].gradient(x, t)
    assert all(np.allclose(ga[k], gb[k]) for k in ga)
    assert "ConvPoolRelu1" in nets[0].activations()


def test_simple_convnet_default_is_the_course_network():
    net = SimpleConvNet(seed=0)
    assert net.params["W1"].shape == (30, 1, 5, 5)
    assert net.params["W2"].shape == (4320, 100) and net.params["W3"].shape == (100, 10)
    x = np.random.default_rng(0).random((2, 1, 28, 28))
    assert net.predict(x).shape == (2, 10)


def test_convolution_init_uses_the_filter_fan_in():
    net = SimpleConvNet((3, 12, 12), {"filter_num": 64, "filter_size": 3}, weight_init_std="he", seed=0)
    assert net.params["W1"].std() == pytest.approx(np.sqrt(2 / (3 * 3 * 3)), rel=0.05)


def test_simple_convnet_rejects_too_small_input():
    with pytest.raises(ValueError, match="小さすぎ|大きすぎ"):
        SimpleConvNet((1, 4, 4), {"filter_num": 2, "filter_size": 5})


def test_unknown_factory_names_list_the_known_ones_in_japanese():
    with pytest.raises(ValueError, match=r"未知の活性化関数 'swish' です \(使えるもの: relu, sigmoid"):
        make_activation("swish")
    with pytest.raises(ValueError, match=r"未知の損失 'hinge' です \(使えるもの: softmax, mse\)"):
        make_loss("hinge")
    known = r"\(使えるもの: glorot, .*zeros, または標準偏差の数値\)"
    with pytest.raises(ValueError, match=r"未知の初期化 'orth' です " + known):
        make_weight("orth", (2, 2), 2, 2, np.random.default_rng(0))
    assert isinstance(make_activation("ReLU"), Relu)
