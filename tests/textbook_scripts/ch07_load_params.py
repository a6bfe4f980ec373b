# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Load the parameters saved by ch07_train_convnet.py into a fresh network and test it.
import os
import sys

sys.path.append(os.pardir)

from simple_convnet import SimpleConvNet
from eqprep.engine.data import load_digits, train_test_split  # stands in for dataset.mnist.load_mnist

x, t = load_digits(flatten=False)
x_train, t_train, x_test, t_test = train_test_split(x, t, test_ratio=0.2, seed=0)

network = SimpleConvNet(input_dim=(1, 8, 8),
                        conv_param={'filter_num': 16, 'filter_size': 3, 'pad': 1, 'stride': 1},
                        hidden_size=50, output_size=10, weight_init_std=0.01)
before = network.accuracy(x_test, t_test)
network.load_params("params.pkl")
after = network.accuracy(x_test, t_test)
W1 = network.params['W1']
print("test acc before loading:", before, "after:", after)
