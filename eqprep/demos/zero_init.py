"""Demo ``zero-init``: with all weights zero (or equal) every hidden unit stays identical, so the net cannot learn."""

from __future__ import annotations

from functools import partial

import numpy as np

from eqprep.engine import MultiLayerNet

from . import datasets
from .context import DemoContext, as_list
from .model import DemoSpec, Setting, claim

CONSTANT = 0.1

SPEC = DemoSpec(
    name="zero-init",
    title="重みをすべて 0 (同じ値) にすると",
    summary="全重みを 0 または同じ値で始めると隠れユニットが区別できず、学習しても同じままになることを確かめる",
    settings=(
        Setting("init", "初期値", "choice", "zeros", ("zeros", "constant"),
                help=f"zeros = すべて 0, constant = すべて {CONSTANT}"),
        Setting("activation", "活性化関数", "choice", "sigmoid", ("sigmoid", "tanh", "relu")),
        Setting("hidden", "隠れ層のユニット数", "int", 8, min=2, max=64),
        Setting("lr", "学習率 (SGD)", "float", 0.5, min=1e-5, max=10.0),
    ),
    default_steps=600,
    note_id="initialization",
    question_ids=("initialization-test16-zero", "initialization-formulas"),
    takeaway=("重みを全部 0 (あるいは全部同じ値) で始めると、同じ層のユニットは同じ入力から同じ値を計算し、"
              "逆伝播でも同じ勾配を受け取るので、何ステップ学習しても同じ重みのままです。層にユニットが何個あっても"
              "実質 1 個しかないのと同じで、精度はほとんど上がりません。この対称性を壊すために重みは乱数で初期化します "
              "(バイアスは 0 でかまいません)。"),
)


def unit_spread(net: MultiLayerNet) -> float:
    """Largest difference between any hidden unit and unit 0 of its layer (incoming, bias and outgoing weights)."""
    spread = 0.0
    for i in range(1, len(net.hidden_size_list) + 1):
        w_in, b, w_out = net.params[f"W{i}"], net.params[f"b{i}"], net.params[f"W{i + 1}"]
        spread = max(spread, float(np.abs(w_in - w_in[:, :1]).max()), float(np.abs(b - b[0]).max()),
                     float(np.abs(w_out - w_out[:1, :]).max()))
    return spread


def _first_layer_payload(net: MultiLayerNet, _metrics: dict[str, float] | None = None) -> dict:
    """First-layer weight rows (one per hidden unit) and the unit spread, for the heatmap."""
    return {"weights": as_list(net.params["W1"].T), "unit_spread": unit_spread(net)}


def run(ctx: DemoContext) -> None:
    """Train the symmetric net and a randomly initialised (He) twin on digits with the same settings."""
    s = ctx.settings
    data = datasets.digits(ctx.seed)
    label = "すべて 0" if s["init"] == "zeros" else f"すべて {CONSTANT}"
    for name, spec in ((label, "zeros"), ("乱数 (He, 比較用)", "he")):
        net = ctx.mlp(64, [s["hidden"], s["hidden"]], 10, s["activation"], spec)
        if spec == "zeros" and s["init"] == "constant":
            for key, w in net.params.items():
                if key.startswith("W"):
                    w[...] = CONSTANT
        trainer = ctx.trainer(net, "sgd", data, s["lr"])
        run = ctx.train(name, "training", trainer, payload=partial(_first_layer_payload, net))
        run.extra.update(_first_layer_payload(net))
        run.final["unit_spread"] = run.extra["unit_spread"]
    sym, rnd = ctx.result.runs[label], ctx.result.runs["乱数 (He, 比較用)"]
    ctx.result.findings.append(f"{label}: 隠れユニット間の重みの最大差 {sym.extra['unit_spread']:.2e} "
                               f"(乱数初期化では {rnd.extra['unit_spread']:.2f})")
    acc_sym, acc_rnd = sym.final.get("test_acc", 0.0), rnd.final.get("test_acc", 0.0)
    ctx.result.conclude([
        claim("units_stay_identical", sym.extra["unit_spread"] < 1e-6 and rnd.extra["unit_spread"] > 0.1,
              f"{label}で始めると、同じ層のユニットは同じ値を計算して同じ勾配を受け取るので、{ctx.steps} ステップ後も"
              f"重みの差は {sym.extra['unit_spread']:.1e} (乱数では {rnd.extra['unit_spread']:.2f}) のままです。",
              f"{label}でもユニット間の重みの差は {sym.extra['unit_spread']:.1e} まで開きました。"),
        claim("symmetric_net_learns_less", acc_sym < acc_rnd - 0.15,
              f"ユニットが実質 1 個なので、テスト精度は {acc_sym:.2f} (乱数初期化 {acc_rnd:.2f}) にとどまります。",
              f"テスト精度は {acc_sym:.2f} (乱数初期化 {acc_rnd:.2f}) でした。"),
    ], "この対称性を壊すために重みは乱数で初期化します (バイアスは 0 でかまいません)。")
