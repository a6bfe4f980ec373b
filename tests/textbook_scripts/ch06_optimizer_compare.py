# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Compare SGD, Momentum, AdaGrad and Adam on f(x, y) = x²/20 + y², with plain Python floats.
import os
import sys

sys.path.append(os.pardir)
from collections import OrderedDict

import numpy as np

from common.optimizer import *


def f(x, y):
    return x**2 / 20.0 + y**2


def df(x, y):
    return x / 10.0, 2.0 * y


init_pos = (-7.0, 2.0)
params = {}
params['x'], params['y'] = init_pos[0], init_pos[1]
grads = {}
grads['x'], grads['y'] = 0, 0

optimizers = OrderedDict()
optimizers["SGD"] = SGD(lr=0.95)
optimizers["Momentum"] = Momentum(lr=0.1)
optimizers["AdaGrad"] = AdaGrad(lr=1.5)
optimizers["Adam"] = Adam(lr=0.3)

paths = {}
for key in optimizers:
    optimizer = optimizers[key]
    x_history = []
    y_history = []
    params['x'], params['y'] = init_pos[0], init_pos[1]

    for i in range(30):
        x_history.append(params['x'])
        y_history.append(params['y'])

        grads['x'], grads['y'] = df(params['x'], params['y'])
        optimizer.update(params, grads)

    paths[key] = (np.array(x_history), np.array(y_history))
    print(key, "ends at", params['x'], params['y'], "f =", f(params['x'], params['y']))
