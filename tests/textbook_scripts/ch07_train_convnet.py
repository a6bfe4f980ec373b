# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Train the simple CNN with the book's Trainer, then save its parameters.
import os
import sys

sys.path.append(os.pardir)
import numpy as np

from simple_convnet import SimpleConvNet
from common.trainer import Trainer
from eqprep.engine.data import load_digits, train_test_split  # stands in for dataset.mnist.load_mnist

x, t = load_digits(flatten=False)
x_train, t_train, x_test, t_test = train_test_split(x, t, test_ratio=0.2, seed=0)

max_epochs = 8

np.random.seed(0)
network = SimpleConvNet(input_dim=(1, 8, 8),
                        conv_param={'filter_num': 16, 'filter_size': 3, 'pad': 1, 'stride': 1},
                        hidden_size=50, output_size=10, weight_init_std=0.01)

trainer = Trainer(network, x_train, t_train, x_test, t_test,
                  epochs=max_epochs, mini_batch_size=100,
                  optimizer='Adam', optimizer_param={'lr': 0.01},
                  evaluate_sample_num_per_epoch=300)
trainer.train()

network.save_params("params.pkl")
print("Saved Network Parameters!")
