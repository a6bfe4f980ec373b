"""Name tables for the formula language: known functions, constants and Greek letters."""

from __future__ import annotations

from dataclasses import dataclass

# Functions every question may use: name -> (minimum arguments, maximum arguments).
KNOWN_FUNCTIONS: dict[str, tuple[int, int]] = {
    "exp": (1, 1),
    "log": (1, 2),
    "ln": (1, 1),
    "sqrt": (1, 1),
    "abs": (1, 1),
    "sigmoid": (1, 1),
    "tanh": (1, 1),
    "relu": (1, 1),
    "sin": (1, 1),
    "cos": (1, 1),
    "tan": (1, 1),
    "sign": (1, 1),
    "heaviside": (1, 1),
    "floor": (1, 1),
    "max": (2, 2),
    "min": (2, 2),
    "softplus": (1, 1),
    "sinh": (1, 1),
    "cosh": (1, 1),
    "sech": (1, 1),
    "csch": (1, 1),
    "coth": (1, 1),
    "asinh": (1, 1),
    "acosh": (1, 1),
    "atanh": (1, 1),
    "asin": (1, 1),
    "acos": (1, 1),
    "atan": (1, 1),
}

# Other spellings read as a known function when the question does not declare the name itself.
ALIASES = {"sigma": "sigmoid", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arsinh": "asinh",
           "arcosh": "acosh", "artanh": "atanh", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh"}

# Names SymPy would silently turn into special objects; refused unless the question declares them.
RESERVED = {
    "oo": "無限大 oo は使えません (式は有限の実数の値で比べます)。",
    "inf": "無限大 inf は使えません (式は有限の実数の値で比べます)。",
    "infinity": "無限大は使えません (式は有限の実数の値で比べます)。",
    "zoo": "複素無限大 zoo は使えません。",
    "nan": "nan (非数) は使えません。",
    "E": "E は使えません。ネイピア数は小文字の e と書きます (例: e^x)。",
    "I": "虚数単位 I は使えません (実数の式だけを扱います)。",
}

# Only authored (trusted) content may use these: they drive SymPy operations.
TRUSTED_FUNCTIONS: dict[str, tuple[int, int]] = {
    "diff": (2, 3),
    "subs": (3, 9),
    "sum": (4, 4),
    "limit": (3, 3),
    "mean": (1, 1),
    "var": (1, 1),
}

CONSTANTS = ("e", "pi")

GREEK: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "pi": "π",
}
GREEK_BY_LETTER = {letter: name for name, letter in GREEK.items()}

# Frequent slips that closeness matching would miss.
SLIPS = {"In": "ln", "sigma": "sigmoid", "E": "e", "Sinh": "sinh", "Cosh": "cosh", "Tanh": "tanh", "Exp": "exp", "PI": "pi", "Pi": "pi", "ReLU": "relu", "Relu": "relu"}


@dataclass(frozen=True)
class Vocabulary:
    """What a question lets the learner write: variables, extra (abstract) functions, trust level."""

    variables: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    trusted: bool = False
    infer_variables: bool = False
    derivatives: bool = False  # the workbench: diff(f, u), d/du f(u) and f'(u) are allowed

    def function_arity(self, name: str) -> tuple[int, int] | None:
        """Arity bounds if `name` is a callable function here, else None."""
        if name in self.variables:
            return None
        if name in self.functions and name in ALIASES:
            return (1, 4)
        name = ALIASES.get(name, name)
        if name in KNOWN_FUNCTIONS:
            return KNOWN_FUNCTIONS[name]
        if self.trusted and name in TRUSTED_FUNCTIONS:
            return TRUSTED_FUNCTIONS[name]
        if self.derivatives and name == "diff":
            return (2, 2)
        if name in self.functions:
            return (1, 4)
        return None

    def canonical(self, name: str) -> str:
        """The function a call name means here: σ/sigma → sigmoid, arctan → atan, unless declared by the question."""
        if name in self.functions or name in self.variables:
            return name
        return ALIASES.get(name, name)

    def is_constant(self, name: str) -> bool:
        """Whether `name` is e or π (unless the question declares it as a variable)."""
        return name in CONSTANTS and name not in self.variables

    def all_names(self) -> list[str]:
        """Every name the learner may type, for suggestions."""
        names = set(self.variables) | set(self.functions) | set(KNOWN_FUNCTIONS) | set(CONSTANTS)
        if self.trusted:
            names |= set(TRUSTED_FUNCTIONS)
        return sorted(names)
