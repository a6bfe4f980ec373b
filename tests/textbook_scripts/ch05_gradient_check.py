# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Gradient check of the two-layer net: backpropagation against numerical differentiation.
import os
import sys

sys.path.append(os.pardir)
import numpy as np

from two_layer_net import TwoLayerNet
from eqprep.engine.data import load_digits  # stands in for dataset.mnist.load_mnist

x_train, t_train = load_digits()
np.random.seed(0)
network = TwoLayerNet(input_size=64, hidden_size=10, output_size=10)

x_batch = x_train[:3]
t_batch = t_train[:3]

grad_numerical = network.numerical_gradient(x_batch, t_batch)
grad_backprop = network.gradient(x_batch, t_batch)

diffs = {}
for key in grad_numerical.keys():
    diffs[key] = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
    print(key + ":" + str(diffs[key]))
