"""``ConvPoolRelu``: Convolution → max-pool → ReLU fused into one layer for speed (SimpleConvNet default).

Same mathematics as the three separate layers (``Convolution``, ``Pooling(p, p, stride=p)``, ``Relu``;
max-pooling and ReLU commute, so ReLU is applied after pooling, to 1/p² of the values). What is fused:

- Layout: the patch matrix lists output positions pool-offset-major, (i, j, y', x') for the
  conv output pixel (p·y' + i, p·x' + j). The GEMM output of one sample is then (FN, p², OH'·OW'),
  and the window max is an element-wise max of p² contiguous blocks (fast), with no NCHW round trip.
- Cache: the batch is processed in chunks of about ``CHUNK_BYTES``, so the GEMM output is pooled
  while it is still in the CPU cache; in backward, the routed gradient of a chunk goes straight
  into the dW GEMM.
- The bias rides in the GEMM (a row of ones in the patches), as in ``Convolution`` (shared base ``BiasInGemm``).
- Internal buffers (patches, pooling winners) are reused from the previous call when the shape
  matches; the returned arrays are always new.

Conv output rows/columns that the pool would drop (odd sizes) are never computed.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import BiasInGemm, _chunk_size, _chunks, _index_dtype, _pad, _running_max, conv_output_size
from .functions import saved


class ConvPoolRelu(BiasInGemm):
    """Fused conv (W (FN, C, FH, FW), b, stride, pad) → max-pool p×p stride p → ReLU."""

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0, pool: int = 2) -> None:
        super().__init__(W, b, stride, pad)
        self.pool = pool
        self.arg: np.ndarray | None = None
        self.out: np.ndarray | None = None

    def _geometry(self, h: int, w: int) -> tuple[int, int]:
        """Pooled output size (OH', OW')."""
        fh, fw = self.W.shape[2:]
        oh = conv_output_size(h, fh, self.stride, self.pad) // self.pool
        ow = conv_output_size(w, fw, self.stride, self.pad) // self.pool
        if oh < 1 or ow < 1:
            raise ValueError("プーリング後の出力が空になります (入力が小さすぎます)")
        return oh, ow

    @staticmethod
    def _reuse(buf: np.ndarray | None, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """The layer's previous internal buffer when it fits, else a new one (saves page faults)."""
        if buf is not None and buf.shape == shape and buf.dtype == dtype:
            return buf
        return np.empty(shape, dtype=dtype)

    def forward(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return relu(maxpool(conv(x))) as (N, FN, OH', OW')."""
        fn, c, fh, fw = self.W.shape
        n, _, h, w = x.shape
        s, p, k = self.stride, self.pool, self.pool * self.pool
        oh, ow = self._geometry(h, w)
        rows, cells = c * fh * fw, oh * ow
        col = self._reuse(self.patches, (n, rows + 1, k * cells), x.dtype)
        if col is not self.patches:
            col[:, rows] = 1
        arg = self._reuse(self.arg, (n, fn, cells), np.dtype(_index_dtype(k)))
        out = np.empty((n, fn, cells), dtype=x.dtype)
        w_aug = self._weights_with_bias()
        step = _chunk_size(n, col[0].nbytes + fn * k * cells * x.itemsize)
        scratch = np.empty((step, fn, k * cells), dtype=x.dtype)
        windows = sliding_window_view(_pad(x, self.pad), (fh, fw), axis=(2, 3))[:, :, ::s, ::s]
        windows = windows[:, :, :oh * p, :ow * p].reshape(n, c, oh, p, ow, p, fh, fw)
        for sl in _chunks(n, step):
            m = sl.stop - sl.start
            col[sl, :rows].reshape(m, c, fh, fw, p, p, oh, ow)[...] = windows[sl].transpose(0, 1, 6, 7, 3, 5, 2, 4)
            y = scratch[:m]
            np.matmul(w_aug, col[sl], out=y)
            blocks = y.reshape(m, fn, k, cells)
            _running_max([blocks[:, :, i] for i in range(k)], out[sl], arg[sl])
        np.maximum(out, 0, out=out)
        self.x, self.x_shape, self.patches, self.arg, self.out = x, x.shape, col, arg, out
        return out.reshape(n, fn, oh, ow)

    def backward(self, dout: np.ndarray, need_dx: bool = True) -> np.ndarray | None:
        """Store dW and db; return dx (skipped when need_dx is False)."""
        fn, c, fh, fw = self.W.shape
        patches, arg, out = saved(self.patches), saved(self.arg), saved(self.out)
        n, rows_aug, kc = patches.shape
        k = self.pool * self.pool
        cells = kc // k
        dpool = dout.reshape(n, fn, cells) * (out > 0)
        dw_aug = np.zeros((fn, rows_aug), dtype=dout.dtype)
        step = _chunk_size(n, patches[0].nbytes + fn * kc * dout.itemsize)
        dy = np.empty((n if need_dx else step, fn, kc), dtype=dout.dtype)
        offsets = np.arange(k, dtype=arg.dtype).reshape(1, 1, k, 1)
        for sl in _chunks(n, step):
            part = dy[sl] if need_dx else dy[:sl.stop - sl.start]
            won = arg[sl, :, None, :] == offsets
            np.multiply(dpool[sl, :, None, :], won, out=part.reshape(won.shape))
            dw_aug += np.matmul(part, patches[sl].transpose(0, 2, 1)).sum(axis=0)
        self._store_grads(dw_aug)
        if not need_dx:
            return None
        return self._fold(np.matmul(self.W.reshape(fn, -1).T, dy))

    def _fold(self, dcol: np.ndarray) -> np.ndarray:
        """Add the patch gradients (N, C·FH·FW, p²·OH'·OW') back onto the input pixels."""
        n, c, h, w = self.x_shape
        fh, fw = self.W.shape[2:]
        s, p, pad = self.stride, self.pool, self.pad
        oh, ow = self._geometry(h, w)
        d6 = dcol.reshape(n, c, fh, fw, p, p, oh, ow)
        dxp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=dcol.dtype)
        for fi in range(fh):
            for fj in range(fw):
                for i in range(p):
                    for j in range(p):
                        r0, c0 = fi + s * i, fj + s * j
                        dxp[:, :, r0:r0 + s * p * oh:s * p, c0:c0 + s * p * ow:s * p] += d6[:, :, fi, fj, i, j]
        return dxp[:, :, pad:pad + h, pad:pad + w] if pad else dxp
