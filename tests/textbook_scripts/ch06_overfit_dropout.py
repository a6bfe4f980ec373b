# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Overfitting a big net on 300 samples, without and with dropout, trained by the book's Trainer.
import os
import sys

sys.path.append(os.pardir)
import numpy as np

from common.multi_layer_net_extend import MultiLayerNetExtend
from common.trainer import Trainer
from eqprep.engine.data import make_mnist1d, train_test_split  # stands in for dataset.mnist.load_mnist

x, t = make_mnist1d(n=1000, seed=0)   # 1-D digits: hard for an MLP, so it overfits
x_train, t_train, x_test, t_test = train_test_split(x, t, test_ratio=0.5, seed=0)
x_train = x_train[:300]
t_train = t_train[:300]

results = {}
for use_dropout in (False, True):
    np.random.seed(0)
    dropout_ratio = 0.1
    network = MultiLayerNetExtend(input_size=40, hidden_size_list=[100, 100, 100, 100, 100, 100],
                                  output_size=10, use_dropout=use_dropout, dropout_ration=dropout_ratio)
    trainer = Trainer(network, x_train, t_train, x_test, t_test,
                      epochs=101, mini_batch_size=100,
                      optimizer='sgd', optimizer_param={'lr': 0.05}, verbose=False)
    trainer.train()

    results[use_dropout] = (trainer.train_acc_list, trainer.test_acc_list)
    print("dropout", use_dropout, "train acc:", trainer.train_acc_list[-1], "test acc:", trainer.test_acc_list[-1])
