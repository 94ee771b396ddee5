"""`lianxin train_router`: retrain the routing classifier on the deployment's closed work orders,
the agents' corrections and the seed dataset; the model is saved to var/ and used at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianxin.hotline.models import RoutingCorrection, Status, WorkOrder
from lianxin.hotline.routing import save, train_for_deployment
from lianxin.hotline.selectors import reset_router, router_model_path


class Command(BaseCommand):
    help = "用本地已办结工单、坐席纠正记录和种子数据重新训练派单模型"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=200_000, help="最多使用的最近办结工单数")
        parser.add_argument("--no-seed", action="store_true", help="不使用种子数据集")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {"orders": 0, "corrections": 0}

        def samples() -> Iterator[tuple[str, str]]:
            closed = (
                WorkOrder.objects.filter(status=Status.CLOSED)
                .order_by("-closed_at")
                .values_list("text", "dept_type")[: options["limit"]]
            )
            for text, dept_type in closed.iterator(chunk_size=5000):
                counts["orders"] += 1
                yield text, dept_type
            # the agent's choice wins: corrections are added twice
            for text, chosen in RoutingCorrection.objects.values_list(
                "text", "chosen_dept_type"
            ).iterator(chunk_size=5000):
                counts["corrections"] += 1
                yield text, chosen
                yield text, chosen

        started = time.perf_counter()
        model = train_for_deployment(samples(), include_seed=not options["no_seed"])
        path = save(model, router_model_path())
        reset_router()
        self.stdout.write(
            self.style.SUCCESS(
                f"已训练：办结工单 {counts['orders']} 件，纠正 {counts['corrections']} 条，"
                f"共 {model.trained_on} 条样本，用时 {time.perf_counter() - started:.1f} 秒；"
                f"模型已保存到 {path}"
            )
        )
