"""config.yaml → Config, with every problem reported by line."""
import pytest

from feature.core.config import load_config
from feature.core.diagnostics import BuildError


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_real_config_loads():
    from pathlib import Path
    config = load_config(Path(__file__).parents[3] / "config.yaml")
    assert config.language == "zh-CN"
    assert [s.key for s in config.sections] == ["fupin", "baicheng"]
    assert config.title and config.newspaper


def test_fields_and_defaults(tmp_path):
    config = load_config(write(tmp_path, "title: 专题\ndate: 2019-08-01\nsections:\n  - {key: a, title: 甲}\n"))
    assert config.title == "专题" and config.date == "2019-08-01"
    assert config.sections[0].title == "甲"
    assert config.output_dir == (tmp_path / "dist").resolve()
    assert config.print.paper == "A4" and config.base_url == "/"
    assert config.print.volume_articles == 50


def test_print_volume_articles(tmp_path):
    config = load_config(write(tmp_path, "title: t\nsections: [{key: a, title: b}]\n"
                                         "print:\n  margin: 20mm\n  volume_articles: 2\n"))
    assert (config.print.volume_articles, config.print.margin, config.print.paper) == (2, "20mm", "A4")


def test_cover_and_figures_limits(tmp_path):
    default = load_config(write(tmp_path, "title: t\nsections: [{key: a, title: b}]\n"))
    assert (default.cover.section_articles, default.figures.page_articles) == (12, 50)
    config = load_config(write(tmp_path, "title: t\nsections: [{key: a, title: b}]\n"
                                         "cover:\n  section_articles: 3\nfigures: {page_articles: 20}\n"))
    assert (config.cover.section_articles, config.figures.page_articles) == (3, 20)


@pytest.mark.parametrize("base_url, path, origin", [
    ("/", "/", ""),
    ("/specials/2019-zhoukou", "/specials/2019-zhoukou/", ""),
    ("https://news.example.cn/specials/x/", "/specials/x/", "https://news.example.cn"),
    ("https://news.example.cn", "/", "https://news.example.cn"),
])
def test_base_url_gives_site_path_and_origin(tmp_path, base_url, path, origin):
    config = load_config(write(tmp_path, f"title: t\nbase_url: {base_url}\nsections:\n  - {{key: a, title: 甲}}\n"))
    assert (config.site_path, config.site_origin) == (path, origin)


@pytest.mark.parametrize("text, line, fragment", [
    ("titel: x\nsections: [{key: a, title: b}]\n", 1, 'unknown key `titel` (did you mean "title"?)'),
    ("title: x\n", 1, "missing required key `sections`"),
    ("title: x\nsections: [{key: A B, title: b}]\n", 2, "must use a-z"),
    ("title: x\nsections: [{key: a}]\n", 2, "needs `key` and `title`"),
    ("title: x\nsections: [{key: a, title: b}, {key: a, title: c}]\n", 2, "declared twice"),
    ("title: x\nsections: [{key: a, title: b}]\nallow_raw_html: maybe\n", 3, "must be true or false"),
    ("title: [x\n", 1, "a value that starts with [ must be in quotes"),
    ("title: x\nsections: [{key: a, title: b}]\nprint:\n  paper: A4\n  volume_articles: 0\n", 5,
     "`print.volume_articles` must be a whole number of at least 1"),
    ("title: x\nprint:\n  volume_articles: many  # per volume\nsections: [{key: a, title: b}]\n", 3,
     "`print.volume_articles` must be a whole number"),
    ("title: x\nsections: [{key: a, title: b}]\nprint: {paper: A5, volume_articles: 2.5}\n", 3,
     "`print.volume_articles` must be a whole number"),
    ("title: x\nsections: [{key: a, title: b}]\nprint:\n  volume_articles: true\n", 4,
     "`print.volume_articles` must be a whole number"),
    ("title: x\nsections: [{key: a, title: b}]\nprint:\n  volumes: 3\n", 3,
     "`print` takes `paper`, `margin` and `volume_articles`"),
    ("title: x\nsections: [{key: a, title: b}]\ncover:\n  section_articles: 0\n", 4,
     "`cover.section_articles` must be a whole number of at least 1"),
    ("title: x\nfigures:\n  # per page\n  page_articles: lots\nsections: [{key: a, title: b}]\n", 4,
     "`figures.page_articles` must be a whole number of at least 1 (articles per 数说 page)"),
    ("title: x\nsections: [{key: a, title: b}]\nfigures: 50\n", 3,
     "`figures` takes `page_articles`"),
    ("title: x\nsections: [{key: a, title: b}]\ncover: {articles: 5}\n", 3,
     "`cover` takes `section_articles`"),
])
def test_bad_config_names_the_line(tmp_path, text, line, fragment):
    with pytest.raises(BuildError) as exc:
        load_config(write(tmp_path, text))
    assert any(d.path == "config.yaml" and d.line == line and fragment in d.message
               for d in exc.value.diagnostics), [str(d) for d in exc.value.diagnostics]


def test_missing_config_is_a_clear_error(tmp_path):
    with pytest.raises(BuildError, match="config file not found"):
        load_config(tmp_path / "config.yaml")
