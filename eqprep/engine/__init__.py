"""NumPy deep-learning engine in the "Deep Learning from Scratch" style (layers, optimizers, nets, data, trainer).

Public names:

- ``MultiLayerNet`` (:mod:`.mlp`) and ``SimpleConvNet`` (:mod:`.cnn`): ``params`` dict (``W1, b1, ...``),
  ``predict``, ``predict_proba``, ``loss``, ``accuracy``, ``gradient``, ``numerical_gradient``,
  ``activations``, ``activation_stats`` (shared base in :mod:`.network`).
- :mod:`.layers` (Affine, Relu, Sigmoid, Tanh, LeakyRelu, SoftmaxWithLoss, MeanSquaredError,
  BatchNormalization, Dropout, Convolution, Pooling, AvgPooling, Flatten, im2col, col2im),
  :mod:`.fused` (ConvPoolRelu), :mod:`.optim` (SGD ... Adam, ``make_optimizer``),
  :mod:`.init`, :mod:`.data`, :mod:`.train` (``Trainer``, ``Progress``, ``TrainResult``),
  :mod:`.gradcheck`.
- :mod:`.textbook`: the textbook's ``common`` package under its own names and signatures, for
  running "Deep Learning from Scratch" code unchanged (differences: docs/engine-differences.md).

Everything runs in the dtype chosen by ``dtype=`` (float64 for gradient checks, float32 for speed).
Importing the package pins OpenBLAS to one thread (see :mod:`.blas`), unless
OPENBLAS_NUM_THREADS/OMP_NUM_THREADS is set.
"""

from .blas import limit_blas_threads
from .cnn import SimpleConvNet
from .mlp import MultiLayerNet

limit_blas_threads(1)

__all__ = ["MultiLayerNet", "SimpleConvNet"]
