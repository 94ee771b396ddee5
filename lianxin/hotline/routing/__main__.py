"""Command line: route a request, or train and save a model.

python -m lianxin.hotline.routing "金凤区的路灯坏了一个星期了" [--location 640106]
python -m lianxin.hotline.routing --train var/router.joblib
"""

from __future__ import annotations

import argparse
import json
import sys

from lianxin.hotline.routing.classifier import default_model, read_requests, save, train
from lianxin.hotline.routing.router import InMemoryUnitResolver, Router, demo_units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lianxin.hotline.routing")
    parser.add_argument("text", nargs="?", help="诉求内容")
    parser.add_argument("--location", help="已知地点（名称或区划代码）")
    parser.add_argument("--model", help="已保存的模型文件（默认用 requests.csv 现场训练）")
    parser.add_argument("--train", metavar="PATH", help="用 requests.csv 训练集训练并保存到 PATH")
    parser.add_argument("--no-units", action="store_true", help="不用演示单位目录")
    args = parser.parse_args(argv)
    if args.train:
        model = train((r["text"], r["dept_type"]) for r in read_requests("train"))
        path = save(model, args.train)
        sys.stdout.write(f"已保存 {path}（{model.trained_on} 条，{model.train_seconds:.1f} 秒）\n")
        return 0
    if not args.text:
        parser.error("请提供诉求内容")
    router = Router(model=default_model(args.model) if args.model else None)
    resolver = None if args.no_units else InMemoryUnitResolver(demo_units())
    try:
        proposal = router.route(args.text, args.location, resolver)
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(json.dumps(proposal.as_dict(), ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
