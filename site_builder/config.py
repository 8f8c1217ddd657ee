"""Typed settings of the portal, independent of MkDocs.

The MkDocs plugin turns its `plugins: - portal:` options into a `PortalConfig`;
the core and its tests only ever see this dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .core.calendar import PLAIN_WEEK, WorkCalendar
from .core.intake import AskSettings

DEFAULT_COLUMNS: dict[str, str] = {
    "news": "工作动态",
    "experience": "经验交流",
    "qa": "有问必答",
}

# The 五联 of the 三级联创 work.
DEFAULT_CATEGORIES: dict[str, str] = {
    "center": "中心工作与业务工作",
    "integrity": "反腐倡廉和政风行风建设",
    "quality": "提升素质与树立形象",
    "civility": "文明创建与和谐创建",
    "grassroots": "基层组织建设",
}

# Post types that are registers rather than columns (no column listing of their own).
REGISTER_TYPES: dict[str, str] = {"project": "联创项目"}

LEVELS: dict[str, str] = {"province": "省级", "city": "市级", "county": "县级"}
LEVEL_ORDER = ("province", "city", "county")

DEFAULT_SCORE_COLUMN = {"news": 1.0, "experience": 2.0, "qa": 1.0}
DEFAULT_SCORE_ADOPTION = {"province": 3.0, "city": 2.0, "county": 1.0}

DEFAULT_ATTACHMENT_TYPES = (
    "jpg", "jpeg", "png", "gif", "webp",
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "txt", "zip",
)


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the 信息工作通报 score (site-wide; `systems` may give one system its own)."""

    column: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SCORE_COLUMN))
    adoption: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SCORE_ADOPTION))
    answered: float = 1.0  # per question answered within the limit
    answered_late: float = 0.5  # per question answered after the limit
    overdue: float = 2.0  # subtracted per question still pending past the limit (never below 0)
    systems: dict[str, ScoreWeights] = field(default_factory=dict)  # system id → its own weights

    def of(self, system: str) -> ScoreWeights:
        """The weights that score the units of `system`."""
        return self.systems.get(system, self)


def score_weights(options: dict) -> ScoreWeights:
    """Weights from the `score` option of mkdocs.yml: the defaults, the site's values over them,
    and each entry of `systems` over the site's."""
    site = _weights_over(ScoreWeights(), options)
    systems = {str(k): _weights_over(site, v or {}) for k, v in (options.get("systems") or {}).items()}
    return _weights_over(site, {}, systems)


def _weights_over(base: ScoreWeights, options: dict, systems: dict | None = None) -> ScoreWeights:
    return ScoreWeights(
        column={**base.column, **{k: float(v) for k, v in (options.get("column") or {}).items()}},
        adoption={**base.adoption, **{k: float(v) for k, v in (options.get("adoption") or {}).items()}},
        answered=float(options.get("answered", base.answered)),
        answered_late=float(options.get("answered_late", base.answered_late)),
        overdue=float(options.get("overdue", base.overdue)), systems=systems or {})


@dataclass(frozen=True)
class PortalConfig:
    """Everything the core needs to know about one portal."""

    columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    categories: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CATEGORIES))
    timezone: str = "Asia/Shanghai"
    site_url: str = ""
    site_name: str = "三级联创网络互动平台"
    page_size: int = 20
    feed_length: int = 20
    feed_full_content: bool = True
    qa_overdue_workdays: int = 5
    max_post_bytes: int = 512 * 1024
    max_attachment_bytes: int = 20 * 1024 * 1024
    attachment_types: tuple[str, ...] = DEFAULT_ATTACHMENT_TYPES
    score: ScoreWeights = field(default_factory=ScoreWeights)
    show_drafts: bool = False
    calendar: WorkCalendar = PLAIN_WEEK  # content/calendar.yml, set by the build (core/interact.py)
    topics: tuple = ()  # core.topics.Topic of content/topics/<id>/index.md, set by the build
    ask: AskSettings = field(default_factory=AskSettings)  # content/ask.yml, set by the build

    def column_name(self, column: str) -> str:
        """Chinese name of a column id (the id itself when unknown)."""
        return self.columns.get(column) or REGISTER_TYPES.get(column, column)

    def category_name(self, category: str) -> str:
        """Chinese name of a category id (the id itself when unknown)."""
        return self.categories.get(category, category)
