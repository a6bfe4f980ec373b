"""Engine datasets (toy sets, digits, MNIST-1D style) and helpers; plus the BLAS thread pin."""

from __future__ import annotations

import numpy as np
import pytest

from eqprep.engine import MultiLayerNet, data
from eqprep.engine.blas import limit_blas_threads
from eqprep.engine.train import Trainer


@pytest.mark.parametrize("name", sorted(data.TOY_SETS))
def test_toy_sets_shape_labels_and_seed(name):
    x, t = data.make_toy(name, n=301, noise=0.1, seed=4)
    assert x.shape == (301, 2) and x.dtype == np.float64 and t.dtype == np.int64
    assert set(np.unique(t)) == {0, 1} and np.abs(x).max() < 7
    x2, t2 = data.make_toy(name, n=301, noise=0.1, seed=4)
    assert np.array_equal(x, x2) and np.array_equal(t, t2)
    assert not np.array_equal(x, data.make_toy(name, n=301, noise=0.1, seed=5)[0])


def test_noise_free_toy_labels_follow_their_rule():
    x, t = data.circle(400, 0.0, seed=0)
    assert np.array_equal(t, (np.hypot(x[:, 0], x[:, 1]) < 2.5).astype(int))
    x, t = data.xor(400, 0.0, seed=0)
    assert np.array_equal(t, (x[:, 0] * x[:, 1] >= 0).astype(int)) and np.abs(x).min() >= 0.3
    x, t = data.gauss(400, 0.0, seed=0)
    assert np.all(x[t == 1].mean(axis=0) > 1.5) and np.all(x[t == 0].mean(axis=0) < -1.5)


def test_noise_flips_circle_labels_and_widens_gauss():
    x, t = data.circle(2000, 0.5, seed=0)
    clean = (np.hypot(x[:, 0], x[:, 1]) < 2.5).astype(int)
    assert 0.05 < np.mean(t != clean) < 0.5
    assert data.gauss(2000, 0.5, seed=0)[0].std() > data.gauss(2000, 0.0, seed=0)[0].std()


def test_multiclass_spiral_has_balanced_arms():
    _, t = data.spiral(301, 0.0, seed=0, classes=3)
    assert np.bincount(t).tolist() == [101, 100, 100]


def test_toy_errors_are_japanese():
    with pytest.raises(ValueError, match="未知のデータセット"):
        data.make_toy("swiss")
    with pytest.raises(ValueError, match="サンプル数"):
        data.circle(1)
    with pytest.raises(ValueError, match="クラス数"):
        data.spiral(10, classes=1)


def test_digits_are_the_1797_uci_samples():
    x, t = data.load_digits()
    assert x.shape == (1797, 64) and 0.0 <= x.min() and x.max() == 1.0
    assert np.bincount(t).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    raw, _ = data.load_digits(normalize=False, flatten=False, dtype=np.uint8)
    assert raw.shape == (1797, 1, 8, 8) and raw.max() == 16
    assert np.allclose(raw.reshape(1797, 64) / 16.0, x)
    x[0, 0] = 99.0  # callers get their own copy
    assert data.load_digits()[0][0, 0] != 99.0
    with pytest.raises(ValueError, match="dtype"):
        data.load_digits(dtype=np.uint8)


def test_mnist1d_is_balanced_deterministic_and_learnable_but_not_trivial():
    x, t = data.make_mnist1d(n=2000, seed=1)
    assert x.shape == (2000, 40) and np.bincount(t).tolist() == [200] * 10
    assert abs(x.mean()) < 1e-9 and x.std() == pytest.approx(1.0)
    assert np.array_equal(x, data.make_mnist1d(n=2000, seed=1)[0])
    x_tr, t_tr, x_te, t_te = data.train_test_split(x, t, 0.25, seed=0)
    net = MultiLayerNet(40, [100, 100], 10, dtype=np.float32, seed=0)
    Trainer(net, "adam", x_tr, t_tr, optimizer_param={"lr": 0.002}, batch_size=100, seed=0).run(epochs=20)
    train_acc, test_acc = net.accuracy(x_tr, t_tr), net.accuracy(x_te, t_te)
    assert test_acc > 0.2          # far above chance (0.1) ...
    assert train_acc - test_acc > 0.1   # ... but an MLP overfits: the point of the data set


def test_train_test_split_and_standardize():
    x = np.arange(40, dtype=float).reshape(20, 2)
    t = np.arange(20)
    x_tr, t_tr, x_te, t_te = data.train_test_split(x, t, test_ratio=0.25, seed=0)
    assert len(x_te) == 5 and len(x_tr) == 15
    assert sorted(np.concatenate([t_tr, t_te]).tolist()) == list(range(20))
    assert np.array_equal(x_tr[:, 0], 2 * t_tr)
    a, b = data.standardize(x_tr, x_te)
    assert np.allclose(a.mean(axis=0), 0) and np.allclose(a.std(axis=0), 1)
    assert np.allclose(b, (x_te - x_tr.mean(axis=0)) / x_tr.std(axis=0))
    with pytest.raises(ValueError, match="test_ratio"):
        data.train_test_split(x, t, test_ratio=1.0)


def test_to_one_hot():
    assert data.to_one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]


def test_blas_limit_respects_the_environment(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert limit_blas_threads(1) is False


def test_blas_limit_applies(monkeypatch):
    from threadpoolctl import threadpool_info

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    assert limit_blas_threads(1) is True
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
