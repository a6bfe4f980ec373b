"""Data-driven grading of learner answers to the derivative questions (accepted and rejected forms)."""

from __future__ import annotations

import pytest

from eqprep.maths.check import check_answer

# question id -> (expected answer, variables, functions, domain)
QUESTIONS = {
    "sigmoid": ("sigmoid(u)*(1 - sigmoid(u))", ["u"], ["sigmoid"], None),
    "chain": ("2*(x + y)", ["x", "y"], [], None),
    "tanh": ("1 - tanh(u)^2", ["u"], ["tanh"], None),
    "mse": ("y - d", ["y", "d"], [], None),
    "l2": ("lambda*w", ["lambda", "w"], [], None),
    "exp": ("-exp(-u)", ["u"], [], None),
    "he": ("sqrt(2/n)", ["n"], [], {"n": (1.0, 1000.0)}),
    "softplus": ("sigmoid(x)", ["x"], [], None),
    "log": ("1/x", ["x"], [], {"x": (0.1, 5.0)}),
    "bce": ("y - t", ["y", "t"], [], None),
    "adam": ("1 - beta1^t", ["beta1", "t"], [], {"beta1": (0.5, 0.99), "t": (1.0, 20.0)}),
    "abstract": ("f(u)*(1 - f(u))", ["u"], ["f"], None),
}

E, N, I = "equivalent", "not_equivalent", "invalid"

CASES = [
    # sigmoid derivative: accepted forms
    ("sigmoid", "sigmoid(u)*(1-sigmoid(u))", E),
    ("sigmoid", "sigmoid(u)(1-sigmoid(u))", E),
    ("sigmoid", "sigmoid(u) - sigmoid(u)^2", E),
    ("sigmoid", "sigmoid(u) - sigmoid(u)**2", E),
    ("sigmoid", "exp(-u)/(1+exp(-u))^2", E),
    ("sigmoid", "e^(-u)/(1+e^(-u))^2", E),
    ("sigmoid", "e^-u/(1+e^-u)^2", E),
    ("sigmoid", "1/(1+exp(-u)) * (1 - 1/(1+exp(-u)))", E),
    ("sigmoid", "exp(u)/(1+exp(u))^2", E),
    ("sigmoid", "1/(e^u + 2 + e^(-u))", E),
    ("sigmoid", "1/(2 + 2cosh)", I),
    ("sigmoid", "sigmoid(u)*sigmoid(-u)", E),
    ("sigmoid", "(1 - sigmoid(u)) sigmoid(u)", E),
    ("sigmoid", "σ(u)(1-σ(u))", E),
    ("sigmoid", "1/4 - (sigmoid(u) - 1/2)^2", E),
    ("sigmoid", "(1/(1+exp(-u)))*(exp(-u)/(1+exp(-u)))", E),
    ("sigmoid", "sigmoid(u)*(1 − sigmoid(u))", E),
    ("sigmoid", "sigmoid(u)·(1−sigmoid(u))", E),
    # sigmoid derivative: rejected
    ("sigmoid", "sigmoid(u)*(1+sigmoid(u))", N),
    ("sigmoid", "sigmoid(u)^2", N),
    ("sigmoid", "1 - sigmoid(u)", N),
    ("sigmoid", "exp(-u)/(1+exp(-u))", N),
    ("sigmoid", "-exp(-u)/(1+exp(-u))^2", N),
    ("sigmoid", "exp(-u)/(1+exp(-u)^2)", N),
    ("sigmoid", "0.25", N),
    ("sigmoid", "sigmoid(u)", N),
    ("sigmoid", "sigmoid(u)*(1-sigmoid(u))^2", N),
    ("sigmoid", "1 - sigmoid(u)^2", N),
    ("sigmoid", "sigmod(u)*(1-sigmod(u))", I),
    ("sigmoid", "sigmoid u", I),
    ("sigmoid", "sigmoid(u)*(1-sigmoid(u)", I),
    ("sigmoid", "sigmoid(x)*(1-sigmoid(x))", I),
    ("sigmoid", "sigmoid(u)*(1-sigmoid(u)))", I),
    ("sigmoid", "", I),
    ("sigmoid", "sigmoid(u)*", I),
    ("sigmoid", "sigmoid()", I),
    ("sigmoid", "sigmoid(u, u)", I),
    ("sigmoid", "Sigmoid(u)", I),
    # chain rule z = t^2, t = x + y
    ("chain", "2(x+y)", E),
    ("chain", "2*(x+y)", E),
    ("chain", "2x+2y", E),
    ("chain", "2*x + 2*y", E),
    ("chain", "(x+y)*2", E),
    ("chain", "2y + 2x", E),
    ("chain", "x+y+x+y", E),
    ("chain", "4*(x+y)/2", E),
    ("chain", "2 (x + y)", E),
    ("chain", "2x+y", N),
    ("chain", "2(x-y)", N),
    ("chain", "(x+y)^2", N),
    ("chain", "2t", I),
    ("chain", "x+y", N),
    ("chain", "2", N),
    ("chain", "2xy", N),
    ("chain", "2*x*y", N),
    ("chain", "2(x+y", I),
    ("chain", "2[x+y]", I),
    ("chain", "2{x+y}", I),
    ("chain", "2(x+y)2", I),
    ("chain", "2 ** (x+y)", N),
    # tanh derivative
    ("tanh", "1 - tanh(u)^2", E),
    ("tanh", "1-tanh(u)**2", E),
    ("tanh", "(1-tanh(u))(1+tanh(u))", E),
    ("tanh", "4/(e^u + e^(-u))^2", E),
    ("tanh", "4*exp(2u)/(exp(2u)+1)^2", E),
    ("tanh", "1 - ((exp(u)-exp(-u))/(exp(u)+exp(-u)))^2", E),
    ("tanh", "4 sigmoid(2u)(1-sigmoid(2u))", E),
    ("tanh", "1 + tanh(u)^2", N),
    ("tanh", "1 - tanh(u)", N),
    ("tanh", "tanh(u)^2 - 1", N),
    ("tanh", "sech(u)^2", E),
    ("tanh", "1/cosh(u)^2", E),
    ("tanh", "tan(u)", N),
    ("tanh", "1-tanh^2(u)", I),
    # MSE gradient with the 1/2
    ("mse", "y - d", E),
    ("mse", "-(d - y)", E),
    ("mse", "y-d", E),
    ("mse", "(2*(y - d))/2", E),
    ("mse", "2(y-d)", N),
    ("mse", "d - y", N),
    ("mse", "(y-d)^2/2", N),
    ("mse", "y - D", I),
    # L2 regularisation gradient
    ("l2", "lambda*w", E),
    ("l2", "λw", E),
    ("l2", "w lambda", E),
    ("l2", "lambda w", E),
    ("l2", "2*lambda*w", N),
    ("l2", "lambda*w^2/2", N),
    ("l2", "lamda*w", I),
    # derivative of exp(-u)
    ("exp", "-exp(-u)", E),
    ("exp", "-e^(-u)", E),
    ("exp", "-1/exp(u)", E),
    ("exp", "-(1/e)^u", E),
    ("exp", "exp(-u)", N),
    ("exp", "-exp(u)", N),
    ("exp", "-E^(-u)", I),
    # He initialisation scale
    ("he", "sqrt(2/n)", E),
    ("he", "sqrt(2)/sqrt(n)", E),
    ("he", "(2/n)^(1/2)", E),
    ("he", "sqrt(2n)/n", E),
    ("he", "sqrt(1/n)", N),
    ("he", "2/n", N),
    ("he", "sqrt(2/m)", I),
    # softplus derivative = sigmoid
    ("softplus", "sigmoid(x)", E),
    ("softplus", "1/(1+exp(-x))", E),
    ("softplus", "exp(x)/(1+exp(x))", E),
    ("softplus", "log(1+exp(x))", N),
    ("softplus", "relu(x)", N),
    # log derivative
    ("log", "1/x", E),
    ("log", "x^-1", E),
    ("log", "x^(-1)", E),
    ("log", "1/x^2", N),
    ("log", "log(x)", N),
    ("log", "In(x)", I),
    # BCE with sigmoid, Adam bias correction factor
    ("bce", "y - t", E),
    ("bce", "-(t - y)", E),
    ("bce", "t - y", N),
    ("adam", "1 - beta1^t", E),
    ("adam", "1 - β1^t", E),
    ("adam", "1 - beta_1^t", I),
    ("adam", "beta1^t - 1", N),
    ("adam", "1 - beta1", N),
    # "in terms of f": abstract function
    ("abstract", "f(u)*(1-f(u))", E),
    ("abstract", "f(u) - f(u)^2", E),
    ("abstract", "f(u)^2 - f(u)", N),
    ("abstract", "g(u)*(1-g(u))", I),
]


def test_at_least_100_cases() -> None:
    """The issue asks for 100+ learner inputs."""
    assert len(CASES) >= 100


@pytest.mark.parametrize(("qid", "given", "status"), CASES)
def test_learner_input(qid: str, given: str, status: str) -> None:
    """Each input gets the expected verdict, with a Japanese message and, when wrong, a counterexample."""
    expected, variables, functions, domain = QUESTIONS[qid]
    result = check_answer(expected, given, variables, functions, domain=domain)
    assert result.status == status, (given, result)
    assert result.message
    if status == N and result.method in ("numeric", "exact", "precise"):
        point = result.counterexample
        assert point is not None and set(point) <= set(variables)
