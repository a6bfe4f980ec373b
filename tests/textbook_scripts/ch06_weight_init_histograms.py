# ruff: noqa  (written in the textbook's style on purpose: star imports, import order after sys.path)
# Activations of five hidden layers for different weight scales (the ch06 histograms, as numbers).
import os
import sys

sys.path.append(os.pardir)
import numpy as np

from common.functions import relu, sigmoid

np.random.seed(0)
x = np.random.randn(1000, 100)
node_num = 100
hidden_layer_size = 5

scales = {"std=1": 1.0, "std=0.01": 0.01, "Xavier": np.sqrt(1.0 / node_num), "He": np.sqrt(2.0 / node_num)}
results = {}
for activation_name, activation in (("sigmoid", sigmoid), ("relu", relu)):
    for name, scale in scales.items():
        activations = {}
        z = x
        for i in range(hidden_layer_size):
            w = np.random.randn(node_num, node_num) * scale
            a = np.dot(z, w)
            z = activation(a)
            activations[i] = z
        results[(activation_name, name)] = activations

histograms = {}
for key, activations in results.items():
    for i, a in activations.items():
        upper = 1 if key[0] == "sigmoid" else max(a.max(), 1e-12)
        histograms[key + (i,)] = np.histogram(a.flatten(), 30, range=(0, upper))[0]
    print(key, [round(float(a.std()), 4) for a in activations.values()])
