# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Overfitting a big net on 300 samples, without and with weight decay.
import os
import sys

sys.path.append(os.pardir)
import numpy as np

from common.multi_layer_net import MultiLayerNet
from common.optimizer import SGD
from eqprep.engine.data import make_mnist1d, train_test_split  # stands in for dataset.mnist.load_mnist

x, t = make_mnist1d(n=1000, seed=0)   # 1-D digits: hard for an MLP, so it overfits
x_train, t_train, x_test, t_test = train_test_split(x, t, test_ratio=0.5, seed=0)
x_train = x_train[:300]
t_train = t_train[:300]

results = {}
for weight_decay_lambda in (0, 0.05):
    np.random.seed(0)
    network = MultiLayerNet(input_size=40, hidden_size_list=[100, 100, 100, 100, 100, 100], output_size=10,
                            weight_decay_lambda=weight_decay_lambda)
    optimizer = SGD(lr=0.05)

    max_epochs = 101
    train_size = x_train.shape[0]
    batch_size = 100

    train_acc_list = []
    test_acc_list = []

    iter_per_epoch = max(train_size / batch_size, 1)
    epoch_cnt = 0

    for i in range(1000000000):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        grads = network.gradient(x_batch, t_batch)
        optimizer.update(network.params, grads)

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            train_acc_list.append(train_acc)
            test_acc_list.append(test_acc)

            epoch_cnt += 1
            if epoch_cnt >= max_epochs:
                break

    results[weight_decay_lambda] = (train_acc_list, test_acc_list)
    print("lambda", weight_decay_lambda, "train acc:", train_acc_list[-1], "test acc:", test_acc_list[-1])
