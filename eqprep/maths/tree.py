"""Formula-tree structure shared by every walker: node kinds, children, and the common evaluation dispatch."""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

Node = tuple

LEAVES = ("num", "var", "const")
ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
}


def children(node: Node) -> tuple[Node, ...]:
    """Sub-trees of a node (call arguments, operands; none for leaves)."""
    if node[0] == "call":
        return node[2]
    if node[0] in LEAVES:
        return ()
    return node[1:]


def rebuild(node: Node, transform: Callable[[Node], Node]) -> Node:
    """The same node with `transform` applied to each sub-tree (leaves are returned as they are)."""
    kind = node[0]
    if kind in LEAVES:
        return node
    if kind == "call":
        return ("call", node[1], tuple(transform(arg) for arg in node[2]))
    return (kind, *(transform(child) for child in node[1:]))


def mentions(node: Node, name: str) -> bool:
    """Whether variable `name` occurs in the tree."""
    if node[0] == "var":
        return node[1] == name
    return any(mentions(child, name) for child in children(node))


class TreeFold(ABC):
    """Evaluates a tree bottom-up: subclasses say what leaves, calls and powers mean; arithmetic is shared."""

    def fold(self, node: Node, env: Mapping[str, Any]) -> Any:
        """Value of `node`, recursing through `fold` so subclasses can wrap every sub-result."""
        kind = node[0]
        if kind == "num":
            return self.number(node[1])
        if kind == "var":
            return self.variable(node[1], env)
        if kind == "const":
            return self.constant(node[1])
        if kind == "neg":
            return -self.fold(node[1], env)
        if kind == "call":
            return self.call(node[1], node[2], env)
        a, b = self.fold(node[1], env), self.fold(node[2], env)
        if kind == "pow":
            return self.power(a, b)
        if kind in ARITHMETIC:
            return ARITHMETIC[kind](a, b)
        raise ValueError(f"unknown node {kind}")

    @abstractmethod
    def number(self, text: str) -> Any:
        """A numeric literal."""

    def variable(self, name: str, env: Mapping[str, Any]) -> Any:
        """A variable's value."""
        return env[name]

    @abstractmethod
    def constant(self, name: str) -> Any:
        """e or pi."""

    @abstractmethod
    def call(self, name: str, args: tuple[Node, ...], env: Mapping[str, Any]) -> Any:
        """A function call (arguments still unevaluated, so trusted operations can see the trees)."""

    def power(self, base: Any, exponent: Any) -> Any:
        """base ** exponent."""
        return base**exponent
