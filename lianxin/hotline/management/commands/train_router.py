"""`lianxin train_router`: retrain routing from the deployment's history — the duty list first
(its examples weighted highest), then the agents' corrections and the return/re-dispatch pairs,
then the units that finally handled orders, then the seed data — learn place names from
dispatched orders, and save the model to ``settings.HOTLINE_ROUTER_MODEL`` (used at once)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianxin.hotline import learning
from lianxin.hotline.routing import save, train_for_deployment
from lianxin.hotline.selectors import reset_router, router_model_path


class Command(BaseCommand):
    help = "用职责清单、坐席纠正、退单改派记录和已办工单重新训练派单模型，并学习地名"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=200_000, help="最多使用的最近已办工单数")
        parser.add_argument("--no-seed", action="store_true", help="不使用种子数据集")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        places = learning.learn_places()
        data = learning.training_set(limit=options["limit"])
        model = train_for_deployment(data.samples, include_seed=not options["no_seed"])
        model.memory = data.memory
        path = save(model, router_model_path())
        reset_router()
        c = data.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"已训练：职责清单示例 {c['duty']} 条，纠正 {c['corrections']} 条，"
                f"已办工单 {c['orders']} 件，共 {model.trained_on} 条样本；"
                f"记住的纠正诉求 {len(data.memory)} 条；学习地名 {places} 个；"
                f"用时 {time.perf_counter() - started:.1f} 秒；模型已保存到 {path}"
            )
        )
