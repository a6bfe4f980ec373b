"""Engine layers: backward agrees with numerical gradients (float64) and forward semantics hold."""

from __future__ import annotations

import numpy as np
import pytest

from eqprep.engine.fused import ConvPoolRelu
from eqprep.engine.gradcheck import numerical_gradient, relative_error
from eqprep.engine.layers import (
    Affine,
    AvgPooling,
    BatchNormalization,
    Convolution,
    Dropout,
    Flatten,
    LeakyRelu,
    MeanSquaredError,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    Tanh,
    col2im,
    im2col,
)

TOL = 1e-6


def check_layer(make, x: np.ndarray, param_attrs: tuple[tuple[str, str], ...] = ()) -> None:
    """Compare dx and every parameter gradient with central differences of L = Σ forward(x)·R."""
    layer = make()
    rng = np.random.default_rng(123)
    r = rng.standard_normal(layer.forward(x, True).shape)

    def f() -> float:
        return float(np.sum(layer.forward(x, True) * r))

    layer.forward(x, True)
    dx = layer.backward(r)
    assert relative_error(dx, numerical_gradient(f, x)) < TOL
    for attr, grad_attr in param_attrs:
        layer.forward(x, True)
        layer.backward(r)
        analytic = getattr(layer, grad_attr).copy()
        assert relative_error(analytic, numerical_gradient(f, getattr(layer, attr))) < TOL, attr


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


def test_affine_gradients_with_4d_input(rng):
    W, b = rng.standard_normal((12, 5)), rng.standard_normal(5)
    check_layer(lambda: Affine(W, b), rng.standard_normal((4, 3, 2, 2)), (("W", "dW"), ("b", "db")))


@pytest.mark.parametrize("make", [Relu, Sigmoid, Tanh, lambda: LeakyRelu(0.1)])
def test_activation_gradients(make, rng):
    x = rng.standard_normal((5, 7))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU kinks away from the finite-difference step
    check_layer(make, x)


def test_batchnorm_gradients_in_training_mode(rng):
    gamma, beta = rng.uniform(0.5, 1.5, 6), rng.standard_normal(6)
    check_layer(lambda: BatchNormalization(gamma, beta), rng.standard_normal((8, 6)),
                (("gamma", "dgamma"), ("beta", "dbeta")))


def test_batchnorm_uses_running_statistics_at_test_time(rng):
    bn = BatchNormalization(np.ones(3), np.zeros(3), momentum=0.0)
    x = rng.normal(5.0, 2.0, (200, 3))
    out = bn.forward(x, train_flg=True)
    assert np.allclose(out.mean(axis=0), 0, atol=1e-12) and np.allclose(out.std(axis=0), 1, atol=1e-4)
    single = bn.forward(x[:1], train_flg=False)
    assert np.allclose(single, (x[:1] - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + bn.eps))


def test_dropout_is_inverted_and_gradient_matches(rng):
    x = rng.standard_normal((400, 50))
    drop = Dropout(0.3, rng=np.random.default_rng(1))
    out = drop.forward(x, train_flg=True)
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.02
    assert np.allclose(out[kept], x[kept] / 0.7)
    assert np.array_equal(drop.forward(x, train_flg=False), x)
    small, r = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))

    def f() -> float:  # a fresh layer with the same seed draws the same mask every time
        return float(np.sum(Dropout(0.5, rng=np.random.default_rng(7)).forward(small, True) * r))

    fixed = Dropout(0.5, rng=np.random.default_rng(7))
    fixed.forward(small, True)
    assert relative_error(fixed.backward(r), numerical_gradient(f, small)) < TOL


def test_dropout_rejects_bad_ratio():
    with pytest.raises(ValueError, match="dropout_ratio"):
        Dropout(1.0)


@pytest.mark.parametrize("stride,pad", [(1, 0), (1, 1), (2, 1)])
def test_convolution_gradients(stride, pad, rng):
    W, b = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    check_layer(lambda: Convolution(W, b, stride, pad), rng.standard_normal((2, 2, 6, 5)),
                (("W", "dW"), ("b", "db")))


def test_convolution_matches_direct_sum_and_textbook_im2col(rng):
    x, W, b = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    out = Convolution(W, b, stride=2, pad=1).forward(x)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    direct = np.empty_like(out)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            win = xp[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 2]
            direct[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) + b
    assert np.allclose(out, direct)
    col = im2col(x, 3, 2, stride=2, pad=1)
    textbook = (col @ W.reshape(4, -1).T + b).reshape(2, out.shape[2], out.shape[3], 4).transpose(0, 3, 1, 2)
    assert np.allclose(textbook, out)


def test_col2im_is_the_adjoint_of_im2col(rng):
    x = rng.standard_normal((2, 2, 5, 5))
    col = im2col(x, 3, 3, stride=1, pad=1)
    c = rng.standard_normal(col.shape)
    back = col2im(c, x.shape, 3, 3, stride=1, pad=1)
    assert np.isclose(np.sum(col * c), np.sum(x * back))


@pytest.mark.parametrize("args", [(2, 2, 2, 0), (3, 3, 2, 1), (2, 3, 1, 0)])
def test_max_pooling_gradients(args, rng):
    check_layer(lambda: Pooling(*args), rng.standard_normal((2, 3, 6, 7)))


def test_max_pooling_values_and_ties_go_to_one_input():
    x = np.array([[[[1.0, 2.0, 0.0, 0.0], [3.0, -1.0, 0.0, 0.0]]]])
    pool = Pooling(2, 2, stride=2)
    assert np.array_equal(pool.forward(x), [[[[3.0, 0.0]]]])
    dx = pool.backward(np.array([[[[10.0, 5.0]]]]))
    assert dx[0, 0, 1, 0] == 10.0 and np.count_nonzero(dx[..., :2]) == 1
    assert dx[..., 2:].sum() == 5.0 and np.count_nonzero(dx[..., 2:]) == 1


def test_avg_pooling_values_and_gradients(rng):
    x = rng.standard_normal((2, 2, 4, 4))
    out = AvgPooling(2, 2, stride=2).forward(x)
    assert np.allclose(out, x.reshape(2, 2, 2, 2, 2, 2).mean(axis=(3, 5)))
    check_layer(lambda: AvgPooling(3, 3, stride=1, pad=1), rng.standard_normal((2, 2, 5, 4)))


def test_flatten_round_trip(rng):
    x = rng.standard_normal((3, 2, 4, 5))
    flat = Flatten()
    assert flat.forward(x).shape == (3, 40)
    assert flat.backward(np.ones((3, 40))).shape == x.shape
    check_layer(Flatten, x)


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_with_loss_value_and_gradient(one_hot, rng):
    x, labels = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    t = np.eye(4)[labels] if one_hot else labels
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert np.isclose(loss, -np.mean(np.log(p[np.arange(5), labels])))
    layer.forward(x, t)
    dx = layer.backward()
    assert relative_error(dx, numerical_gradient(lambda: SoftmaxWithLoss().forward(x, t), x)) < TOL


def test_softmax_with_loss_is_stable_for_huge_scores():
    loss = SoftmaxWithLoss().forward(np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([0, 1]))
    assert loss == pytest.approx(0.0, abs=1e-12)


def test_mean_squared_error_value_and_gradient(rng):
    y, t = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    layer = MeanSquaredError()
    assert np.isclose(layer.forward(y, t), 0.5 * np.sum((y - t) ** 2) / 6)
    dy = layer.backward()
    assert relative_error(dy, numerical_gradient(lambda: MeanSquaredError().forward(y, t), y)) < TOL
    assert np.isclose(MeanSquaredError().forward(np.eye(3)[[0, 2]], np.array([0, 2])), 0.0)


def test_layers_keep_float32(rng):
    x = rng.standard_normal((4, 1, 6, 6)).astype(np.float32)
    W, b = rng.standard_normal((2, 1, 3, 3)).astype(np.float32), np.zeros(2, np.float32)
    conv, pool, relu, sig = Convolution(W, b, pad=1), Pooling(2, 2, 2), Relu(), Sigmoid()
    h = sig.forward(relu.forward(pool.forward(conv.forward(x))))
    assert h.dtype == np.float32
    d = conv.backward(pool.backward(relu.backward(sig.backward(np.ones_like(h)))))
    assert d.dtype == np.float32 and conv.dW.dtype == np.float32


@pytest.mark.parametrize("shape,filters,stride,pad,pool", [
    ((2, 2, 9, 8), (3, 2, 3, 3), 1, 1, 2),
    ((2, 1, 11, 10), (2, 1, 3, 3), 2, 1, 2),
    ((2, 2, 9, 9), (3, 2, 2, 2), 1, 0, 3),
])
def test_fused_conv_pool_relu_equals_the_three_layers(shape, filters, stride, pad, pool, rng):
    x, W, b = rng.standard_normal(shape), rng.standard_normal(filters), rng.standard_normal(filters[0])
    fused = ConvPoolRelu(W, b, stride, pad, pool)
    conv, relu, mp = Convolution(W, b, stride, pad), Relu(), Pooling(pool, pool, stride=pool)
    out = fused.forward(x)
    assert np.allclose(out, mp.forward(relu.forward(conv.forward(x))))
    d = rng.standard_normal(out.shape)
    assert np.allclose(fused.backward(d), conv.backward(relu.backward(mp.backward(d))))
    assert np.allclose(fused.dW, conv.dW) and np.allclose(fused.db, conv.db)
    check_layer(lambda: ConvPoolRelu(W, b, stride, pad, pool), x, (("W", "dW"), ("b", "db")))


@pytest.mark.parametrize("labels", [np.array([1, 0]), np.array([[1], [0]]), np.array([[0.0, 1, 0], [1, 0, 0]])])
def test_softmax_loss_reads_indices_column_labels_and_one_hot_alike(labels):
    """Bug fix: (N, 1) labels are class numbers, not one-hot; the backward matches the loss."""
    x = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]])
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, labels)
    p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-(np.log(p[0, 1]) + np.log(p[1, 0])) / 2)
    dx = layer.backward(1.0)
    assert relative_error(dx, numerical_gradient(lambda: SoftmaxWithLoss().forward(x, labels), x)) < TOL
    assert SoftmaxWithLoss().forward(np.array([[1.0, 2.0, 0.5]]), np.array([[1]])) == pytest.approx(0.4644, abs=1e-4)


@pytest.mark.parametrize("labels,message", [
    (np.array([[1, 0]]), "形"), (np.array([1, 0, 2]), "形"), (np.array([1.0, 0.0]), "整数"),
    (np.array([3, 0]), "0 以上 2 以下"), (np.array([-1, 0]), "0 以上 2 以下"),
    (np.array([[0.5, 0.2, 0.0], [1, 0, 0]]), "和が 1"),
])
def test_softmax_loss_refuses_labels_it_cannot_read(labels, message):
    with pytest.raises(ValueError, match=message):
        SoftmaxWithLoss().forward(np.zeros((2, 3)), labels)


def test_relu_keeps_the_textbook_mask_and_leaves_dout_alone(rng):
    x = np.array([[-1.0, 0.0, 2.0]])
    relu = Relu()
    assert np.array_equal(relu.forward(x), [[0.0, 0.0, 2.0]])
    assert np.array_equal(relu.mask, [[True, True, False]])
    dout = np.ones((1, 3))
    assert np.array_equal(relu.backward(dout), [[0.0, 0.0, 1.0]]) and np.all(dout == 1.0)


def test_training_mode_is_the_default_for_batchnorm_and_dropout(rng):
    x = rng.standard_normal((200, 4)) * 30 + 5
    bn = BatchNormalization(np.ones(4), np.zeros(4))
    out = bn.forward(x)                               # the textbook's default: batch statistics
    assert np.allclose(out.mean(axis=0), 0, atol=1e-9) and np.allclose(out.std(axis=0), 1, atol=1e-6)
    assert bn.batch_size == 200 and np.allclose(bn.xc, x - x.mean(axis=0))
    assert np.allclose(bn.xn, bn.xc / bn.std)
    np.random.seed(3)
    first = Dropout(0.5).forward(np.ones((50, 50)))
    np.random.seed(3)
    again = Dropout(0.5).forward(np.ones((50, 50)))   # global np.random, as in the textbook
    assert np.array_equal(first, again) and 0.4 < np.mean(first == 0) < 0.6
    assert np.array_equal(Dropout(0.5).forward(x, train_flg=False), x)


def test_batchnorm_step_by_step_backward_matches_the_compact_one(rng):
    gamma, beta = rng.uniform(0.5, 1.5, 12), rng.standard_normal(12)
    x, dout = rng.standard_normal((5, 3, 2, 2)), rng.standard_normal((5, 3, 2, 2))
    bn = BatchNormalization(gamma, beta)
    bn.forward(x)
    compact, dgamma = bn.backward(dout), bn.dgamma.copy()
    steps = bn.backward_steps(dout)
    assert np.allclose(compact, steps, atol=1e-12) and np.allclose(bn.dgamma, dgamma)

    def f() -> float:
        return float(np.sum(BatchNormalization(gamma, beta).forward(x) * dout))
    assert relative_error(steps, numerical_gradient(f, x)) < TOL


def test_convolution_exposes_the_textbook_x_col_and_col_w(rng):
    W, b = rng.standard_normal((4, 2, 3, 3)), rng.standard_normal(4)
    x = rng.standard_normal((2, 2, 5, 6))
    conv = Convolution(W, b, stride=1, pad=1)
    out = conv.forward(x)
    assert conv.x is x
    assert np.allclose(conv.col, im2col(x, 3, 3, 1, 1)) and conv.col_W.shape == (18, 4)
    n, fn, oh, ow = out.shape
    textbook = (conv.col @ conv.col_W + b).reshape(n, oh, ow, fn).transpose(0, 3, 1, 2)
    assert np.allclose(textbook, out)


def test_pooling_arg_max_in_the_textbook_layout(rng):
    x = rng.standard_normal((2, 3, 6, 4))
    pool = Pooling(2, 2, stride=2)
    out = pool.forward(x)
    col = im2col(x, 2, 2, 2, 0).reshape(-1, 4)       # rows in (N, OH, OW, C) order, as in the textbook
    assert np.array_equal(pool.arg_max, np.argmax(col, axis=1))
    assert np.array_equal(col.max(axis=1).reshape(2, 3, 2, 3).transpose(0, 3, 1, 2), out)
    assert pool.x is x and Pooling(2, 2).forward(x).shape == (2, 3, 5, 3)   # stride 1 by default, as in the book


def test_backward_before_forward_is_a_clear_error() -> None:
    """A layer's backward() needs what forward() kept; calling it first says so instead of failing on None."""
    from eqprep.engine.layers import Relu, SoftmaxWithLoss

    for layer in (Relu(), SoftmaxWithLoss()):
        with pytest.raises(RuntimeError, match="forward"):
            layer.backward(np.ones((2, 3)))
