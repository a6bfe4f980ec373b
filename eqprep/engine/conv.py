"""Convolution and pooling layers (im2col based) plus the DLFS ``im2col``/``col2im`` helpers.

Internally the layers use a "patch" layout (N, C·FH·FW, OH, OW): for every filter offset (i, j) one
strided slice of the padded input is copied, which is the DLFS loop without its final transpose.
One batched GEMM ``W(FN, C·FH·FW) @ col`` then gives the output directly in NCHW order, so no
transpose copy is needed in forward or backward. ``im2col``/``col2im`` return the textbook
(N·OH·OW, C·FH·FW) layout for learners and code questions.

Speed notes: forward passes work through the batch in chunks of about ``CHUNK_BYTES`` so that the
patches (and the pooling intermediates) are consumed while still in the CPU cache.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .functions import saved

__all__ = ["conv_output_size", "im2col", "col2im", "Convolution", "Pooling", "AvgPooling", "Flatten"]

CHUNK_BYTES = 1 << 20


def conv_output_size(size: int, filter_size: int, stride: int = 1, pad: int = 0) -> int:
    """Output length (size + 2·pad − filter_size)/stride + 1; rejects shapes that do not fit."""
    out = (size + 2 * pad - filter_size) // stride + 1
    if out < 1:
        raise ValueError(f"フィルタ {filter_size} が入力 {size} (pad {pad}) に対して大きすぎます")
    return out


def _chunk_size(n: int, bytes_per_sample: int) -> int:
    """Samples per chunk (1..n) so that one chunk's working set is about CHUNK_BYTES."""
    return max(1, min(n, CHUNK_BYTES // max(bytes_per_sample, 1)))


def _chunks(n: int, step: int) -> Iterator[slice]:
    """Slices of the batch axis of ``step`` samples each (the last one may be shorter)."""
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


def _pad(x: np.ndarray, pad: int, value: float = 0.0) -> np.ndarray:
    """Pad the two spatial axes of an NCHW array (no copy when pad is 0)."""
    if pad == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=value)


def _views(xp: np.ndarray, fh: int, fw: int, stride: int, oh: int, ow: int
           ) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield (i, j, view) where view[n, c, y, x] = xp[n, c, i + stride·y, j + stride·x]."""
    for i in range(fh):
        for j in range(fw):
            yield i, j, xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]


def _fill_patches(xp: np.ndarray, col: np.ndarray, stride: int) -> None:
    """Copy the padded input into col viewed as (N, C, FH, FW, OH, OW)."""
    fh, fw, oh, ow = col.shape[2:]
    for i, j, view in _views(xp, fh, fw, stride, oh, ow):
        col[:, :, i, j] = view


def _fold(col: np.ndarray, input_shape: tuple[int, ...], stride: int, pad: int) -> np.ndarray:
    """Inverse of the patch copy for gradients: add every (N, C, FH, FW, OH, OW) entry onto its pixel."""
    n, c, h, w = input_shape
    fh, fw, oh, ow = col.shape[2:]
    dxp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=col.dtype)
    for i, j, view in _views(dxp, fh, fw, stride, oh, ow):
        view += col[:, :, i, j]
    return dxp[:, :, pad:pad + h, pad:pad + w] if pad else dxp


def im2col(input_data: np.ndarray, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0
           ) -> np.ndarray:
    """Unfold (N, C, H, W) into the textbook matrix (N·OH·OW, C·FH·FW), one row per window."""
    n, c, h, w = input_data.shape
    oh, ow = conv_output_size(h, filter_h, stride, pad), conv_output_size(w, filter_w, stride, pad)
    col = np.empty((n, c, filter_h, filter_w, oh, ow), dtype=input_data.dtype)
    _fill_patches(_pad(input_data, pad), col, stride)
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def col2im(col: np.ndarray, input_shape: tuple[int, ...], filter_h: int, filter_w: int,
           stride: int = 1, pad: int = 0) -> np.ndarray:
    """Fold a textbook (N·OH·OW, C·FH·FW) matrix back to (N, C, H, W), summing overlaps."""
    n, c, h, w = input_shape
    oh, ow = conv_output_size(h, filter_h, stride, pad), conv_output_size(w, filter_w, stride, pad)
    patches = col.reshape(n, oh, ow, c, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    return _fold(patches, input_shape, stride, pad)


class BiasInGemm:
    """Base of the convolution layers (filters W (FN, C, FH, FW), bias b (FN,)) whose bias rides in the GEMM.

    The patch matrix carries an extra row of ones and the weight matrix an extra column b, so forward
    needs no separate "+ b" pass and db falls out of dW's GEMM.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        self.W, self.b = W, b
        self.stride, self.pad = stride, pad
        self.x: np.ndarray | None = None
        self.x_shape: tuple[int, ...] = ()
        self.patches: np.ndarray | None = None     # internal patch layout, bias row of ones included
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def _weights_with_bias(self) -> np.ndarray:
        """[W | b] as one (FN, C·FH·FW + 1) matrix."""
        fn = self.W.shape[0]
        return np.concatenate((self.W.reshape(fn, -1), self.b.reshape(fn, 1)), axis=1)

    def _store_grads(self, dw_aug: np.ndarray) -> None:
        """Split the gradient of [W | b] into dW and db."""
        self.dW = dw_aug[:, :-1].reshape(self.W.shape)
        self.db = dw_aug[:, -1].copy()


class Convolution(BiasInGemm):
    """2-D convolution (cross-correlation) with filters W (FN, C, FH, FW) and bias b (FN,).

    Textbook names: after ``forward`` the layer keeps its input ``x``; ``col`` (the im2col matrix
    (N·OH·OW, C·FH·FW)) and ``col_W`` (the filters as a (C·FH·FW, FN) matrix) are views computed on
    request from the internal patch layout, so the textbook's ``col @ col_W + b`` gives the output.
    """

    @property
    def col(self) -> np.ndarray | None:
        """The textbook's im2col matrix of the last input, (N·OH·OW, C·FH·FW) (a copy, built on request)."""
        if self.patches is None:
            return None
        n, rows, hw = self.patches.shape
        return self.patches[:, :rows - 1].transpose(0, 2, 1).reshape(n * hw, rows - 1)

    @property
    def col_W(self) -> np.ndarray:
        """The filters as the textbook's (C·FH·FW, FN) matrix (a view of W)."""
        return self.W.reshape(self.W.shape[0], -1).T

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return the (N, FN, OH, OW) feature maps: batched GEMMs [W | b] @ [col; 1], chunk by chunk."""
        fn, c, fh, fw = self.W.shape
        n, _, h, w = x.shape
        s, p = self.stride, self.pad
        oh, ow = conv_output_size(h, fh, s, p), conv_output_size(w, fw, s, p)
        rows = c * fh * fw
        col = np.empty((n, rows + 1, oh * ow), dtype=x.dtype)
        col[:, rows] = 1
        out = np.empty((n, fn, oh * ow), dtype=x.dtype)
        w_aug = self._weights_with_bias()
        for sl in _chunks(n, _chunk_size(n, col[0].nbytes)):
            part = col[sl]
            _fill_patches(_pad(x[sl], p), part[:, :rows].reshape(-1, c, fh, fw, oh, ow), s)
            np.matmul(w_aug, part, out=out[sl])
        self.x, self.x_shape, self.patches = x, x.shape, col
        return out.reshape(n, fn, oh, ow)

    def backward(self, dout: np.ndarray, need_dx: bool = True) -> np.ndarray | None:
        """Store dW and db; return dx by folding Wᵀ·dout back (skipped when need_dx is False)."""
        fn, c, fh, fw = self.W.shape
        patches = saved(self.patches)
        n, _, hw = patches.shape
        d2 = dout.reshape(n, fn, hw)
        self._store_grads(np.matmul(d2, patches.transpose(0, 2, 1)).sum(axis=0))
        if not need_dx:
            return None
        oh, ow = dout.shape[2:]
        dcol = np.matmul(self.W.reshape(fn, -1).T, d2).reshape(n, c, fh, fw, oh, ow)
        return _fold(dcol, self.x_shape, self.stride, self.pad)


def _index_dtype(k: int) -> type:
    """Smallest unsigned integer type that can hold a window offset 0..k−1."""
    return np.uint8 if k <= 256 else np.uint16


def _running_max(views: list[np.ndarray], out: np.ndarray, idx: np.ndarray) -> None:
    """out = element-wise max of views; idx = offset of the first view holding it."""
    if len(views) == 1:
        np.copyto(out, views[0])
        idx[...] = 0
        return
    np.greater(views[1], views[0], out=idx)
    np.maximum(views[0], views[1], out=out)
    for k, view in enumerate(views[2:], start=2):
        beats = view > out
        np.maximum(out, view, out=out)
        # offsets only grow, so "idx = k where beaten" is a max with k·beats (much faster than putmask)
        np.maximum(idx, np.multiply(beats, idx.dtype.type(k), dtype=idx.dtype), out=idx)


def _route(grad: np.ndarray, idx: np.ndarray, views: list[np.ndarray], tiles: bool) -> None:
    """Send grad into the view whose offset won (idx), writing when views tile, adding otherwise."""
    for k, view in enumerate(views):
        if tiles:
            np.multiply(grad, idx == k, out=view)
        else:
            view += grad * (idx == k)


class PoolingBase:
    """Window geometry shared by the pooling layers: pool_h × pool_w windows, stride and zero/−∞ padding.

    The default stride is 1, as in the textbook's listing; its networks pass ``stride`` equal to the
    pool size (non-overlapping windows, the usual choice), and so do the engine's networks.
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad
        self.x: np.ndarray | None = None
        self.x_shape: tuple[int, ...] = ()

    def _output_size(self, h: int, w: int) -> tuple[int, int]:
        """(OH, OW) of the pooled output for an H × W input."""
        s, p = self.stride, self.pad
        return conv_output_size(h, self.pool_h, s, p), conv_output_size(w, self.pool_w, s, p)


class Pooling(PoolingBase):
    """Max pooling; backward routes each output gradient to exactly one maximum of its window.

    The window max is taken separably: first over the pool_h rows (contiguous rows, cheap), then over
    the pool_w columns of that result. Each stage keeps a running max and the offset of the first
    maximum, so backward needs no argmax (slow along a short axis) and ties go to one input.
    Ties are broken row stage first, so they may go to another input than the textbook's
    ``np.argmax`` over the flattened window picks; ``arg_max`` gives the winners in the textbook's form.
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
        super().__init__(pool_h, pool_w, stride, pad)
        self.arg_h: np.ndarray | None = None
        self.arg_w: np.ndarray | None = None

    @property
    def arg_max(self) -> np.ndarray | None:
        """The textbook's ``arg_max``: each window's winner as i·pool_w + j, flattened in (N, OH, OW, C) order."""
        if self.arg_w is None:
            return None
        j = self.arg_w.astype(np.intp)
        cols = self.stride * np.arange(j.shape[3]) + j
        i = np.take_along_axis(self.arg_h, cols, axis=3).astype(np.intp)
        return (i * self.pool_w + j).transpose(0, 2, 3, 1).reshape(-1)

    def _row_views(self, a: np.ndarray, oh: int) -> list[np.ndarray]:
        """Views a[:, :, i + stride·y, :] for the pool_h row offsets i."""
        s = self.stride
        return [a[:, :, i:i + s * oh:s, :] for i in range(self.pool_h)]

    def _col_views(self, a: np.ndarray, ow: int) -> list[np.ndarray]:
        """Views a[:, :, :, j + stride·x] for the pool_w column offsets j."""
        s = self.stride
        return [a[:, :, :, j:j + s * ow:s] for j in range(self.pool_w)]

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return the window maxima (N, C, OH, OW)."""
        n, c, h, w = x.shape
        p = self.pad
        oh, ow = self._output_size(h, w)
        wp = w + 2 * p
        out = np.empty((n, c, oh, ow), dtype=x.dtype)
        self.arg_h = np.empty((n, c, oh, wp), dtype=_index_dtype(self.pool_h))
        self.arg_w = np.empty((n, c, oh, ow), dtype=_index_dtype(self.pool_w))
        step = _chunk_size(n, x[0].nbytes)
        rows = np.empty((step, c, oh, wp), dtype=x.dtype)
        for sl in _chunks(n, step):
            r = rows[:sl.stop - sl.start]
            _running_max(self._row_views(_pad(x[sl], p, -np.inf), oh), r, self.arg_h[sl])
            _running_max(self._col_views(r, ow), out[sl], self.arg_w[sl])
        self.x, self.x_shape = x, x.shape
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Send each output gradient back through the column stage, then the row stage."""
        n, c, h, w = self.x_shape
        s, p = self.stride, self.pad
        oh, ow = dout.shape[2:]
        hp, wp = h + 2 * p, w + 2 * p
        tiles_w = s == self.pool_w and wp == s * ow
        tiles_h = s == self.pool_h and hp == s * oh
        dxp = (np.empty if tiles_h else np.zeros)((n, c, hp, wp), dtype=dout.dtype)
        step = _chunk_size(n, dxp[0].nbytes)
        drows = np.empty((step, c, oh, wp), dtype=dout.dtype)
        arg_h, arg_w = saved(self.arg_h), saved(self.arg_w)
        for sl in _chunks(n, step):
            d = drows[:sl.stop - sl.start]
            if not tiles_w:
                d.fill(0)
            _route(dout[sl], arg_w[sl], self._col_views(d, ow), tiles_w)
            _route(d, arg_h[sl], self._row_views(dxp[sl], oh), tiles_h)
        return dxp[:, :, p:p + h, p:p + w] if p else dxp


class AvgPooling(PoolingBase):
    """Average pooling over pool_h × pool_w windows (zero padding counts toward the mean)."""

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return the mean of every window."""
        n, c, h, w = x.shape
        oh, ow = self._output_size(h, w)
        out = np.zeros((n, c, oh, ow), dtype=x.dtype)
        for _, _, view in _views(_pad(x, self.pad), self.pool_h, self.pool_w, self.stride, oh, ow):
            out += view
        out /= self.pool_h * self.pool_w
        self.x, self.x_shape = x, x.shape
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Spread each output gradient evenly over its window."""
        n, c, h, w = self.x_shape
        p = self.pad
        dxp = np.zeros((n, c, h + 2 * p, w + 2 * p), dtype=dout.dtype)
        share = dout / (self.pool_h * self.pool_w)
        oh, ow = dout.shape[2:]
        for _, _, view in _views(dxp, self.pool_h, self.pool_w, self.stride, oh, ow):
            view += share
        return dxp[:, :, p:p + h, p:p + w] if p else dxp


class Flatten:
    """Reshape (N, ...) to (N, -1) between convolution blocks and affine layers."""

    def __init__(self) -> None:
        self.x_shape: tuple[int, ...] = ()

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return x as (N, -1)."""
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Restore the input shape."""
        return dout.reshape(self.x_shape)
