# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Gradient check of the simple CNN on one random 10×10 image, with a (1, 1) label array.
import os
import sys

sys.path.append(os.pardir)
import numpy as np

from simple_convnet import SimpleConvNet

np.random.seed(0)
network = SimpleConvNet(input_dim=(1, 10, 10),
                        conv_param={'filter_num': 10, 'filter_size': 3, 'pad': 0, 'stride': 1},
                        hidden_size=10, output_size=10, weight_init_std=0.01)

X = np.random.rand(100).reshape((1, 1, 10, 10))
T = np.array([1]).reshape((1, 1))

grad_num = network.numerical_gradient(X, T)
grad = network.gradient(X, T)

diffs = {}
for key, val in grad_num.items():
    diffs[key] = np.abs(grad[key] - grad_num[key]).mean()
    print(key, diffs[key])
