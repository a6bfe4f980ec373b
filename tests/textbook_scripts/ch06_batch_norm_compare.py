# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Training with and without batch normalization from several weight scales.
import os
import sys

sys.path.append(os.pardir)
import numpy as np

from common.multi_layer_net_extend import MultiLayerNetExtend
from common.optimizer import SGD
from eqprep.engine.data import load_digits  # stands in for dataset.mnist.load_mnist

x_train, t_train = load_digits()
x_train = x_train[:1000]
t_train = t_train[:1000]

max_epochs = 8
train_size = x_train.shape[0]
batch_size = 100
learning_rate = 0.01


def __train(weight_init_std):
    bn_network = MultiLayerNetExtend(input_size=64, hidden_size_list=[100, 100, 100, 100, 100], output_size=10,
                                     weight_init_std=weight_init_std, use_batchnorm=True)
    network = MultiLayerNetExtend(input_size=64, hidden_size_list=[100, 100, 100, 100, 100], output_size=10,
                                  weight_init_std=weight_init_std)
    optimizer = SGD(lr=learning_rate)

    train_acc_list = []
    bn_train_acc_list = []

    iter_per_epoch = max(train_size / batch_size, 1)
    epoch_cnt = 0

    for i in range(1000000000):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        for _network in (bn_network, network):
            grads = _network.gradient(x_batch, t_batch)
            optimizer.update(_network.params, grads)

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            bn_train_acc = bn_network.accuracy(x_train, t_train)
            train_acc_list.append(train_acc)
            bn_train_acc_list.append(bn_train_acc)

            print("epoch:" + str(epoch_cnt) + " | " + str(train_acc) + " - " + str(bn_train_acc))

            epoch_cnt += 1
            if epoch_cnt >= max_epochs:
                break

    return train_acc_list, bn_train_acc_list


np.random.seed(0)
weight_scale_list = [0.1, 0.01]
results = {}
for w in weight_scale_list:
    print("============== weight scale " + str(w) + " ==============")
    results[w] = __train(w)
