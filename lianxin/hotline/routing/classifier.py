"""Department-type classifier: high-precision keyword rules first, then a linear model.

The model is a character n-gram TF-IDF (``char_wb``, 1–3; hashed in C so that 100,000
orders train in seconds, then restricted to the ≤ 200,000 most frequent n-grams seen in
training) + multinomial logistic regression. Rules multiply the model's probabilities by ``exp(RULE_WEIGHT × hits)``, so a
clear keyword (欠薪, 路灯, 暖气不热) wins unless the model is very sure of another type,
and two conflicting rules are settled by the model. Every prediction carries a Chinese
explanation: matched rule keywords and the n-grams that weighed most.
"""

from __future__ import annotations

import csv
import functools
import math
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.utils import murmurhash3_32

REQUESTS_CSV = Path(__file__).resolve().parent / "data" / "requests.csv"
RULE_WEIGHT = 1.2
MAX_RULE_HITS = 3
MODEL_FORMAT = 2
N_FEATURES = 2**20
MAX_FEATURES = 200_000

#: Chinese names of the contract's department types (for explanations).
DEPT_NAMES: dict[str, str] = {
    "traffic_police": "公安交警",
    "public_security": "公安派出所",
    "housing_construction": "住房和城乡建设",
    "urban_management": "综合执法（城管）",
    "municipal_engineering": "市政工程",
    "parks_greening": "林草园林",
    "market_regulation": "市场监管",
    "transport": "交通运输",
    "telecom": "通信管理",
    "education": "教育",
    "health": "卫生健康",
    "medical_insurance": "医疗保障",
    "civil_affairs": "民政",
    "human_resources": "人力资源和社会保障",
    "natural_resources": "自然资源",
    "ecology_environment": "生态环境",
    "water_affairs": "水务",
    "agriculture": "农业农村",
    "emergency_management": "应急管理",
    "culture_tourism": "文化和旅游",
    "disabled_federation": "残联",
    "womens_federation": "妇联",
    "trade_union": "总工会",
    "social_work": "党委社会工作部",
    "state_assets": "国资委",
    "township_government": "乡镇（街道）",
    "utility_water": "供水企业",
    "utility_power": "供电企业",
    "utility_gas": "燃气企业",
    "utility_heating": "供热企业",
    "property_company": "物业服务企业",
}

_SUPERVISION = ("监管", "督促", "综合执法", "执法局", "主管部门", "不作为还", "城管")


@dataclass(frozen=True, slots=True)
class Rule:
    """Fires when any of ``any_of`` occurs, plus one of ``also`` (if given), and no ``unless``."""

    dept_type: str
    any_of: tuple[str, ...]
    also: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    weight: float = 1.0

    def match(self, text: str) -> list[str]:
        hits = [k for k in self.any_of if k in text]
        if not hits:
            return []
        if self.also:
            extra = [k for k in self.also if k in text]
            if not extra:
                return []
            hits += extra[:1]
        if any(u in text for u in self.unless):
            return []
        return hits


def _r(dept_type: str, words: str, also: str = "", unless: str = "", weight: float = 1.0) -> Rule:
    split = lambda s: tuple(w for w in s.split() if w)  # noqa: E731
    return Rule(dept_type, split(words), split(also), split(unless), weight)


RULES: tuple[Rule, ...] = (
    _r(
        "human_resources",
        "欠薪 讨薪 拖欠工资 拖欠农民工 农民工工资 没发工资 工资没 不给交社保 "
        "劳动合同 失业金 失业保险 养老保险 工伤 人社局 劳动监察 加班费 辞退 招聘会 技能培训 "
        "就业创业 就业补贴 电工培训 工钱 工资 薪水 血汗钱",
        unless="工会 国资委 区属 国企 国有企业 妇联 产假 怀孕",
    ),
    _r(
        "municipal_engineering",
        "路灯 井盖 下水道 雨水井 雨水篦子 篦子 人行道砖 地砖松动 道牙 "
        "市政 大坑 爆胎 路面塌 裂了 桥上 天桥 桥梁 护栏",
        unless="小区 物业 村里 村委会 楼道 镇上的路",
    ),
    _r(
        "utility_heating",
        "暖气 供暖 取暖费 热力公司 供热公司 热力站 供热",
        unless="监管 督促 综合执法 执法局 主管部门 教室 学校",
    ),
    # Complaints about the heating company itself go to its supervisor (综合执法).
    _r("urban_management", "暖气 供暖 供热 热力公司", also=" ".join(_SUPERVISION), weight=3.0),
    _r(
        "urban_management",
        "占道经营 流动摊贩 小商贩 小广告 牛皮癣 违章搭建 私搭乱建 乱搭乱建 "
        "渣土车 拉土车 露天烧烤 烧烤摊 夜间施工 打桩 综合执法 城管 地锁 加盖",
    ),
    _r(
        "traffic_police",
        "交警 红绿灯 信号灯 违章停车 违停 闯红灯 酒驾 交通事故 追尾 驾驶证 "
        "驾照 炸街 上牌 车管所 逆行 超速 超载 乱停 别车",
    ),
    _r(
        "public_security",
        "派出所 被偷 偷了 诈骗 被骗 骗了 上户口 户口 身份证 赌博 打架 "
        "斗殴 撬 造谣 无犯罪 居住证 家暴报警",
        unless="交警",
    ),
    _r(
        "housing_construction",
        "住建局 住建部门 老旧小区改造 开发商 交房 公租房 廉租房 保障房 "
        "保障性住房 维修基金 维修资金 回迁房 烂尾楼 棚户区 加装电梯 塔吊离",
    ),
    _r(
        "parks_greening",
        "公园 园林 绿化带 行道树 修剪 草坪 游园 绿地 树枝 大树 砍树 树被",
        unless="物业 小区 景区 门票",
    ),
    _r(
        "market_regulation",
        "市场监管 市监所 过期 缺斤短两 食物中毒 拉肚子 预付卡 办卡 "
        "虚假宣传 价格欺诈 三无 不给换 不给退 营业执照 地沟油 油价 饭馆 餐馆 小吃店 "
        "上吐下泻 后厨",
    ),
    _r(
        "transport",
        "出租车 公交 网约车 拒载 绕路 不打表 客运站 班车 黑车 驾校 学车 交通运输局 运管 城际",
    ),
    _r(
        "telecom",
        "中国移动 中国联通 中国电信 移动 联通 电信 宽带 携号转网 话费 流量 "
        "通信管理局 通管局 骚扰电话 运营商 广电 营业厅 副卡 合约机 实名",
        unless="移动信号塔",
    ),
    _r(
        "education",
        "学校 小学 初中 中学 幼儿园 教育局 教育厅 老师 学生 补课 培训机构 "
        "托管班 高校 大学 校车 入学 学区 高考 专升本 教辅 入园 公办园 学位",
        unless="金秋助学 残疾人大学生 职工子女 网吧",
    ),
    _r(
        "health",
        "医院 卫生院 诊所 医生 护士 卫健委 卫健 挂号 疫苗 救护车 120 家庭医生 村医 看病",
        unless="医保 报销 参保",
    ),
    _r("medical_insurance", "医保 报销 异地就医 慢特病 大病保险 参保 医疗保障"),
    _r(
        "civil_affairs",
        "低保 特困 养老院 敬老院 高龄 临时救助 困境儿童 留守儿童 孤儿 流浪 "
        "乞讨 婚姻登记 结婚登记 离婚登记 殡葬 墓地 公墓 民政 独居老人 日间照料",
        unless="残疾 残联",
    ),
    _r(
        "natural_resources",
        "房产证 不动产 违法占地 占用耕地 基本农田 采砂 挖沙 偷挖 征地 "
        "宅基地 确权 规划 取土 挖土 自然资源 采石场 抵押登记 过户",
    ),
    _r(
        "ecology_environment",
        "排污 废气 黑烟 污水直排 焚烧 粉尘 刺鼻 异味 环保 生态环境 死鱼 黄烟 废渣 烧电缆",
    ),
    _r(
        "water_affairs",
        "灌溉 浇地 浇不上水 水库 河道 水务局 取水许可 打井 打口井 扬水站 "
        "饮水 防汛 水窖 支渠 斗渠 排水沟 围湖",
        unless="自来水公司 供水公司",
    ),
    _r(
        "agriculture",
        "种粮 地力保护 农机 种子 化肥 农药 农资 牛羊 死猪 死羊 防疫 口蹄疫 "
        "高标准农田 土地流转 大棚 冷棚 温棚 养殖 农业农村 枸杞 滩羊 蜂农 肉牛",
        unless="粪污 粪水 臭气 排污",
    ),
    _r(
        "emergency_management",
        "散装汽油 加油点 黑加油 烟花 危险化学品 危化品 液化气罐 "
        "安全生产 煤矿 矿井 应急管理 避难场所 塌方 防爆 安全事故 安监 高空作业 "
        "脚手架 火星",
    ),
    _r(
        "culture_tourism",
        "景区 导游 旅行社 跟团 网吧 KTV 博物馆 图书馆 文化馆 文物 "
        "农家乐 民宿 门票 文旅 游船 石窟 旅游部门 游客",
    ),
    _r(
        "disabled_federation",
        "残疾 残联 轮椅 助听器 假肢 自闭症 脑瘫 盲人 聋哑 无障碍 截肢 评残 听障",
    ),
    _r(
        "womens_federation",
        "家暴 妇联 妇女 单亲妈妈 抚养费 婆婆 产假 怀孕 两癌 巾帼 逼着嫁人 出轨",
        unless="工会",
    ),
    _r(
        "trade_union",
        "工会 金秋助学 劳模 职工之家 疗休养 户外劳动者驿站 职工互助 职工书屋 困难职工",
    ),
    _r(
        "social_work",
        "社会工作部 社工部 志愿 骑手 快递小哥 外卖小哥 社区工作者 社工 "
        "网格员 减负 社会组织 协会 新就业群体 货车司机之家 社区专职",
    ),
    _r("state_assets", "国资委 区属国企 区属国有 国有企业 国企 区属企业 国有控股"),
    _r(
        "township_government",
        "村干部 村委会 村道 镇政府 乡政府 乡镇 街道办 改厕 改的厕所 "
        "村里 人居环境 分红 移民新村 村民之间 村的账",
    ),
    _r(
        "utility_water",
        "停水 自来水 水压 水表 水费 供水 水管爆 没水 来水 漂白粉",
        unless="农村饮水 饮水工程 暖气",
    ),
    _r("utility_power", "停电 电压 电费 电表 供电 变压器 充电桩 电线 跳闸 没电 电力公司"),
    _r("utility_gas", "燃气 天然气 停气 煤气 没气"),
    _r(
        "property_company",
        "物业 电梯 楼道 门禁 业主 地下车库 化粪池 单元门 小区垃圾",
        unless="住建局 住建部门 维修基金申请",
    ),
)


_RULE_WEIGHTS: dict[str, float] = {}
for _rule in RULES:
    _RULE_WEIGHTS[_rule.dept_type] = max(_RULE_WEIGHTS.get(_rule.dept_type, 1.0), _rule.weight)


def _weight(dept_type: str, words: list[str]) -> float:
    """Evidence of one type's rules: distinct keywords (capped), scaled for strong rules."""
    return min(len(set(words)), MAX_RULE_HITS) * _RULE_WEIGHTS.get(dept_type, 1.0)


def rule_hits(text: str) -> dict[str, list[str]]:
    """dept_type → keywords of the rules that fire on ``text``."""
    out: dict[str, list[str]] = {}
    for rule in RULES:
        hits = rule.match(text)
        if hits:
            out.setdefault(rule.dept_type, []).extend(hits)
    return out


@dataclass(slots=True)
class Prediction:
    """Ranked department types with probabilities and the evidence behind the first."""

    ranked: list[tuple[str, float]]
    rules: dict[str, list[str]]
    features: list[str]
    known_ratio: float

    @property
    def dept_type(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    def explain(self) -> str:
        top = self.dept_type
        parts = []
        if self.rules.get(top):
            words = "」「".join(dict.fromkeys(self.rules[top]))
            parts.append(f"关键词「{words}」命中{DEPT_NAMES.get(top, top)}规则")
        if self.features:
            feats = "」「".join(self.features)
            parts.append(f"模型主要依据「{feats}」")
        if not parts:
            parts.append("未命中关键词，模型依据不足")
        others = [t for t in self.rules if t != top]
        if others:
            names = "、".join(DEPT_NAMES.get(t, t) for t in others)
            parts.append(f"另有{names}关键词，已由模型权衡")
        return "；".join(parts)


def _compact(x: sparse.csr_matrix, remap: np.ndarray, width: int) -> sparse.csr_matrix:
    """Keep the hashed columns the model knows, renumbered 0..width-1."""
    x = x.tocsr()
    cols = remap[x.indices]
    keep = cols >= 0
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    return sparse.csr_matrix(
        (x.data[keep], (rows[keep], cols[keep])), shape=(x.shape[0], width), dtype=np.float32
    )


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF × IDF, rows l2-normalised (as TfidfTransformer(sublinear_tf=True))."""
    x = counts.copy()
    x.data = (np.log(x.data) + 1.0) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, np.diff(x.indptr))
    return x.astype(np.float32)


@dataclass
class Model:
    """A trained routing classifier, picklable.

    Features: ``HashingVectorizer(analyzer="char_wb", ngram_range=(1, 3))`` — the same
    n-grams as ``TfidfVectorizer`` but counted in C, which keeps training on 100,000
    orders within seconds — restricted to the buckets seen in training (``columns``),
    then TF-IDF, then multinomial logistic regression.
    """

    hasher: HashingVectorizer
    columns: np.ndarray  # hashed buckets kept, ascending
    tfidf: TfidfTransformer
    classifier: LogisticRegression
    trained_on: int
    train_seconds: float
    format: int = MODEL_FORMAT
    #: Requests the agents corrected: memory_key(text) → {"dept_type", "unit", "count"}.
    memory: dict = field(default_factory=dict)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        for cached in ("_remap", "_analyzer"):
            state.pop(cached, None)  # rebuilt on first use
        return state

    @functools.cached_property
    def _analyzer(self) -> Callable[[str], list[str]]:
        return self.hasher.build_analyzer()

    @functools.cached_property
    def _remap(self) -> np.ndarray:
        """Hashed bucket → column of the model, -1 for buckets never seen in training."""
        remap = np.full(self.hasher.n_features, -1, dtype=np.int32)
        remap[self.columns] = np.arange(len(self.columns), dtype=np.int32)
        return remap

    @property
    def n_features(self) -> int:
        return len(self.columns)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows (l2-normalised) over the model's columns."""
        counts = _compact(self.hasher.transform(texts), self._remap, len(self.columns))
        return _tfidf(counts, self.tfidf.idf_)

    def _buckets(self, grams: list[str]) -> np.ndarray:
        """Model column of each n-gram (-1 if unknown); same hash as HashingVectorizer."""
        n = self.hasher.n_features
        buckets = [abs(murmurhash3_32(g, seed=0)) % n for g in grams]
        return self._remap[np.asarray(buckets, dtype=np.int64)]

    def proba(self, x: sparse.csr_matrix) -> np.ndarray:
        """Softmax of the linear scores (what predict_proba gives, without its checks)."""
        scores = np.asarray(x @ self.classifier.coef_.T) + self.classifier.intercept_
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        x = self.transform(texts)
        proba = self.proba(x)
        classes = self.classes
        index = {c: i for i, c in enumerate(classes)}
        coef = self.classifier.coef_
        analyzer = self._analyzer
        out = []
        for row, text in enumerate(texts):
            p = proba[row].copy()
            hits = rule_hits(text)
            for dept_type, words in hits.items():
                i = index.get(dept_type)
                if i is not None:
                    p[i] *= math.exp(RULE_WEIGHT * _weight(dept_type, words))
            grams = list(dict.fromkeys(g for g in analyzer(text) if g.strip()))
            cols = self._buckets(grams)
            bigrams = [c for g, c in zip(grams, cols, strict=True) if len(g) == 2 and g.isalnum()]
            known = sum(1 for c in bigrams if c >= 0) / len(bigrams) if bigrams else 0.0
            # Text the model has barely seen (gibberish, another topic): flatten towards
            # uniform so that the proposal is flagged as uncertain.
            if known < 0.5 and not hits:
                p = p ** max(known * 2, 0.05)
            p = p / p.sum()
            order = np.argsort(-p)
            ranked = [(classes[i], float(p[i])) for i in order]
            top = order[0]
            xr = x[row]
            weight = dict(zip(xr.indices.tolist(), xr.data.tolist(), strict=True))
            contrib = {
                g: weight.get(int(c), 0.0) * float(coef[top, c])
                for g, c in zip(grams, cols, strict=True)
                if c >= 0 and len(g) >= 2 and g.isalnum()
            }
            feats = [g for g, w in sorted(contrib.items(), key=lambda kv: -kv[1]) if w > 0][:3]
            out.append(Prediction(ranked, hits, feats, known))
        return out


def train(samples: Iterable[tuple[str, str]], *, c: float = 10.0) -> Model:
    """Train on (text, dept_type) pairs. 100,000 short texts take seconds, not minutes."""
    started = time.perf_counter()
    texts: list[str] = []
    labels: list[str] = []
    for text, label in samples:
        texts.append(text)
        labels.append(label)
    if len(set(labels)) < 2:
        raise ValueError("训练数据至少需要两个部门类型")
    hasher = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 3),
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    counts = hasher.transform(texts).tocsr()
    df = np.bincount(counts.indices, minlength=N_FEATURES)
    min_df = 2 if len(texts) > 20000 else 1
    columns = np.flatnonzero(df >= min_df)
    if len(columns) > MAX_FEATURES:  # keep the most frequent n-grams
        keep = np.argpartition(-df[columns], MAX_FEATURES)[:MAX_FEATURES]
        columns = np.sort(columns[keep])
    columns = columns.astype(np.int32)
    remap = np.full(N_FEATURES, -1, dtype=np.int32)
    remap[columns] = np.arange(len(columns), dtype=np.int32)
    compact = _compact(counts, remap, len(columns))
    tfidf = TfidfTransformer(sublinear_tf=True).fit(compact)
    x = _tfidf(compact, tfidf.idf_)
    classifier = LogisticRegression(C=c, max_iter=300, tol=1e-3)
    classifier.fit(x, labels)
    return Model(hasher, columns, tfidf, classifier, len(texts), time.perf_counter() - started)


def train_for_deployment(
    orders: Iterable[tuple[str, str]], *, include_seed: bool = True, c: float = 10.0
) -> Model:
    """Retrain on a deployment's closed (agent-confirmed) orders, plus the seed data.

    The seed (requests.csv, train and held-out rows) keeps every contract type known while
    the deployment's own history is still thin; pass ``include_seed=False`` once it is not.
    """
    samples = list(orders)
    if include_seed:
        samples += [(r["text"], r["dept_type"]) for r in read_requests(split=None)]
    return train(samples, c=c)


def save(model: Model, path: str | Path) -> Path:
    """Write the model with joblib (creates parent directories)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path, compress=3)
    return path


def load(path: str | Path) -> Model:
    """Read a model written by :func:`save`. Only load files you wrote yourself."""
    try:
        model = joblib.load(Path(path))
    except (pickle.UnpicklingError, EOFError, AttributeError) as exc:
        raise ValueError(f"路由模型文件无法读取：{path}") from exc
    if not isinstance(model, Model) or model.format != MODEL_FORMAT:
        raise ValueError(f"路由模型文件格式不符：{path}")
    return model


def read_requests(split: str | None = "train", path: Path = REQUESTS_CSV) -> list[dict[str, str]]:
    """Rows of requests.csv, optionally only one split ("train" or "heldout")."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if split is None or r["split"] == split]


_lock = threading.Lock()


@functools.cache
def _trained_default() -> Model:
    return train((r["text"], r["dept_type"]) for r in read_requests("train"))


def default_model(path: str | Path | None = None) -> Model:
    """The saved model at ``path`` if it exists, else one trained on requests.csv (cached)."""
    if path is not None and Path(path).exists():
        return _load_cached(str(path))
    with _lock:
        return _trained_default()


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> Model:
    return load(path)
