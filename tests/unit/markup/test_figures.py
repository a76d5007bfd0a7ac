"""Key figures: parsing, extraction from real Zhoukou sentences, ranking, curation."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from feature.markup.figures import (
    curated_problem,
    extract_figures,
    find_curated,
    find_figures,
    format_for_cli,
    format_number,
    rank_figures,
    split_sentences,
)
from feature.core.model import CuratedFigure, KeyFigure
from tests.support import examples

# Real paragraphs of the 2019 Zhoukou edition (/work/shared/seeds/000_*.txt).
LEADERS = ("为夯实脱贫攻坚工作基石，我市建立健全了三项机制、两项制度、一个责任体系的责任落实格局，"
           "确保了中央、省委决策部署在周口落地生根。建立脱贫攻坚领导机制。在市级层面，建立市级领导干部"
           "联县挂乡包村到户制度，明确29名市级领导干部联系7个重点县和29个乡镇脱贫攻坚工作；在县乡层面，"
           "为各乡镇（镇）配备一名专职副书记，实现村级脱贫攻坚责任全覆盖。建立驻村帮扶长效机制。"
           "在每月扶贫工作基础上，把每周五定为全市“扶贫日”，所有帮扶责任人全部入村入户开展工作，"
           "并至少办一件实事。市县两级派出1031个工作队，实现了村级脱贫责任组对有脱贫任务的行政村全覆盖，"
           "驻村第一书记、驻村工作队对贫困村全覆盖。")
PROMOTIONS = ("近两年，市派驻村干部提拔13名、重用1名，县派驻村干部提拔52名，其中2018年提拔14人，"
              "重用12人，470人获市级以上荣誉表彰。")
INDUSTRY = ("截至目前，全市发展农民合作社累计达到1.77万家，适度规模经营的家庭农场及种植大户达到4600家，"
            "217个专业合作社等新型经营主体参与带动脱贫，带动贫困户1.47万户。几年来，全市分三批培育市级"
            "产业扶贫基地213个，实现关联贫困户年收入增加900至1800元，有效带动22.63万建档立卡贫困人口"
            "稳定持续增收。通过发展产业，基本实现了每个具备条件的贫困村培育发展1至2个优势特色产业，"
            "每个贫困户有1至2项稳定增收渠道。")
JOBS = ("就业扶贫提速。统筹人社、农业、扶贫、教育等部门培训资源，实施“全民技能振兴工程”和“春风行动”"
        "专项服务活动，为群众提供就业、创业、维权等全方位服务。截至目前，全市未脱贫建档立卡贫困劳动力"
        "已就业人数3.02万人，就业率87.21%；累计开发贫困劳动力公益性岗位8500多个，吸纳贫困人口就业；"
        "危房改造成效明显，完成建档立卡贫困户等4类重点对象农村危房改造1.79万户（其中建档立卡贫困户"
        "1.14万户），拨付资金2.68亿元，超额完成省级下达的目标任务。")
ECOLOGY = ("生态扶贫做实。陆捷园林等20家绿化公司大力发展林产工业、林下经济、木本油料、森林旅游等绿色"
           "富民产业，带动7000多名贫困人口增收825.75万元。全市累计选聘2842名生态护林员，确保5个贫困县"
           "森林资源管护无死角，实现了“一人护林，全家脱贫”的目标。")
FINANCE = ("金融扶贫助力。2018年累计发放扶贫小额信贷21.99亿元，带动贫困户7.74万户；“政融保”产业扶贫"
           "融资项目41个，授信扶贫资金14.2亿元，发放扶贫贷款7.7亿元，带动贫困户1.17万户，为贫困地区和"
           "贫困户提供了更多的风险保障。")
ROADS = ("脱贫道路更通畅。修建农村公路2291公里，是省定责任目标任务450公里的5倍，贫困村实现行政村道路、"
         "客车、邮政“三通”。")
PROJECTS = ("5月17日上午，周口市2019年第二季度项目集中开工仪式在周口经济开发区举行。今年二季度，全市集中"
            "开工项目共计75个，总投资371.23亿元，2019年计划投资155.2亿元。其中，中心城区集中开工项目12个，"
            "总投资90.29亿元，2019年计划投资31.32亿元。")
DELISTED = ("5月9日，河南省举行贫困县脱贫退出情况新闻发布会：全省19个国家级贫困县和14个省级贫困县脱贫摘帽，"
            "退出贫困县序列。我市淮阳、商水、太康、郸城4个国家级贫困县和西华、扶沟2个省级贫困县榜上有名。"
            "这是继2017年沈丘县等成功脱贫摘帽后，我市脱贫攻坚工作取得的又一重大成果。")
NO_FIGURES = [
    "周口的成绩令人眼前一亮，变化之快令人惊叹，变化之大令人赞叹！”2018年10月11日至12日，全省百城建设"
    "提质工程和文明城市创建工作推进会在我市召开，省长陈润儿点赞周口新变化，与会同志也都发出由衷感叹。",
    "安全饮水有保障。全市所有建档立卡贫困村在2017年底已全部实施了农村饮水安全工程，提前一年完成任务。",
    "今年3月26日，我市召开创建国家卫生城市百日冲刺动员大会，对创建国家卫生城市工作进行再动员、再加压、再部署。",
    "2017年8月以来，全市上下以“五城联创”为基础、抓手和平台，通过全域创建、全面创建、全民创建，"
    "以“硬件打基础，软件增实力，市民提素质”为工作重点和主攻方向，同心协力建设美丽周口。",
    "脱贫攻坚，关键在落实。近年来，我市狠抓责任落实，坚持把脱贫攻坚作为锤炼“四个意识”的大熔炉、"
    "转变工作作风的突破口、检验干部能力的新标杆、推进发展的好机遇，脱贫攻坚的澎湃合力浩荡而来……",
    "推进周口大剧院、24小时智慧图书馆、国防人防教育园、漕运博物馆、关帝庙广场等项目顺利实施。",
    "雄关漫道真如铁，而今迈步从头越。周口，正汇聚脱贫攻坚的强大合力，奋进在决胜同步全面小康的新征程上，"
    "脚步铿锵、响鼓劲催、旌旗如画。①6",
]


def figures_of(*paragraphs: str, subhead: str = "") -> list[KeyFigure]:
    return extract_figures([(subhead, p) for p in paragraphs])


def texts(figures) -> list[str]:
    return [f.text for f in figures]


def by_text(figures, text: str) -> KeyFigure:
    return next(f for f in figures if f.text == text)


# --- sentences -------------------------------------------------------------

def test_sentences_split_on_full_stops_and_keep_closing_quotes():
    said = ("提及身边环境变化，家住七一路李庄社区的王涛喜上眉梢、如数家珍：“违章建筑拆除了，门前道路"
            "硬化了，社区墙面粉饰了，还添了健身器材，变化真是太大了。”民之所系，行之所至。")
    assert split_sentences(said) == [said[:said.index("”") + 1], "民之所系，行之所至。"]
    assert split_sentences("“脱贫路上，决不落下一户一人！”") == ["“脱贫路上，决不落下一户一人！”"]


def test_sentences_do_not_end_at_semicolons_or_ellipses():
    ellipsis = "乡村在变美、产业在变强、群众在变富……振奋人心的脱贫画卷在这里展开，振兴发展的欢歌笑语在这里响起。"
    assert split_sentences(ellipsis) == [ellipsis]
    assert len(split_sentences(FINANCE)) == 2          # 金融扶贫助力。 + one long sentence with ；
    assert split_sentences("真的吗？！是的。 没有句号的尾巴") == ["真的吗？！", "是的。", "没有句号的尾巴"]


def test_sentences_of_a_real_paragraph():
    assert split_sentences(LEADERS)[2].startswith("在市级层面")
    assert split_sentences(LEADERS)[-1].startswith("市县两级派出1031个工作队")
    assert len(split_sentences(LEADERS)) == 6
    assert split_sentences("  \n ") == []


# --- value parsing ---------------------------------------------------------

def one_figure(text: str):
    """(value, unit, approximate, value_max) when find_figures reads all of `text`
    as one figure (the build's own path), else None."""
    found = find_figures(text)
    if len(found) != 1 or (found[0].start, found[0].end) != (0, len(text)):
        return None
    return found[0][2:]


@pytest.mark.parametrize("text, expected", [
    ("21.99亿元", (2199000000.0, "元", False, None)),
    ("1.77万家", (17700.0, "家", False, None)),
    ("3.02万人", (30200.0, "人", False, None)),
    ("87.21%", (87.21, "%", False, None)),
    ("900至1800元", (900.0, "元", False, 1800.0)),
    ("1至2个", (1.0, "个", False, 2.0)),
    ("10至20万元", (100000.0, "元", False, 200000.0)),
    ("8500多个", (8500.0, "个", True, None)),
    ("7000多名", (7000.0, "名", True, None)),
    ("1000多万元", (10000000.0, "元", True, None)),
    ("约3000人", (3000.0, "人", True, None)),
    ("825.75万元", (8257500.0, "元", False, None)),
    ("2291公里", (2291.0, "公里", False, None)),
    ("9.58万人次", (95800.0, "人次", False, None)),
    ("3600亩", (3600.0, "亩", False, None)),
    ("1122所", (1122.0, "所", False, None)),
    ("100座", (100.0, "座", False, None)),
    ("5倍", (5.0, "倍", False, None)),
    ("22.63万", (226300.0, "", False, None)),
    ("３．５个百分点", (3.5, "个百分点", False, None)),
    ("２１．９９亿元", (2199000000.0, "元", False, None)),
    ("1,200万元", (12000000.0, "元", False, None)),
])
def test_parse_figure(text, expected):
    assert one_figure(text) == expected


@pytest.mark.parametrize("text", ["2018年", "5月9日", "3月26日", "第3个", "1031", "四个", "二季度",
                                  "24小时", "5G", "21.99亿元投资", ""])
def test_parse_figure_rejects_what_is_not_one_figure(text):
    assert one_figure(text) is None


def test_format_number_never_uses_an_exponent():
    assert format_number(2199000000.0) == "2199000000"
    assert format_number(1e16) == "10000000000000000"
    assert format_number(87.21) == "87.21"
    assert format_number(8257500.0) == "8257500"


# --- extraction ------------------------------------------------------------

def test_extracts_every_figure_of_real_paragraphs():
    assert texts(figures_of(LEADERS)) == ["29名", "7个", "29个", "1031个"]
    assert texts(figures_of(INDUSTRY)) == ["1.77万家", "4600家", "217个", "1.47万户", "213个",
                                           "900至1800元", "22.63万", "1至2个", "1至2项"]
    assert texts(figures_of(JOBS)) == ["3.02万人", "87.21%", "8500多个", "4类", "1.79万户",
                                       "1.14万户", "2.68亿元"]
    assert texts(figures_of(ECOLOGY)) == ["20家", "7000多名", "825.75万元", "2842名", "5个"]
    assert texts(figures_of(FINANCE)) == ["21.99亿元", "7.74万户", "41个", "14.2亿元", "7.7亿元", "1.17万户"]
    assert texts(figures_of(ROADS)) == ["2291公里", "450公里", "5倍"]


def test_dates_years_ordinals_and_names_are_not_figures():
    assert figures_of(*NO_FIGURES) == []
    assert texts(figures_of(PROJECTS)) == ["75个", "371.23亿元", "155.2亿元", "12个", "90.29亿元", "31.32亿元"]
    assert texts(figures_of(DELISTED)) == ["19个", "14个", "4个", "2个"]


def test_figure_values_units_and_flags():
    jobs, eco, ind = figures_of(JOBS), figures_of(ECOLOGY), figures_of(INDUSTRY)
    assert (by_text(jobs, "87.21%").value, by_text(jobs, "87.21%").unit) == (87.21, "%")
    assert by_text(jobs, "8500多个").approximate and by_text(eco, "7000多名").approximate
    assert not by_text(eco, "825.75万元").approximate
    assert (by_text(eco, "825.75万元").value, by_text(eco, "825.75万元").unit) == (8257500.0, "元")
    assert (by_text(ind, "900至1800元").value, by_text(ind, "900至1800元").value_max) == (900.0, 1800.0)
    assert by_text(ind, "1.77万家").value == 17700.0


def test_positions_sentence_and_subhead():
    figs = extract_figures([("", "导语没有数字。"), ("金融扶贫", FINANCE)])
    loan = by_text(figs, "21.99亿元")
    assert (loan.paragraph, loan.sentence_index, loan.subhead) == (1, 1, "金融扶贫")
    assert loan.sentence == split_sentences(FINANCE)[1]
    assert loan.sentence_id == ""        # filled from the rendered body by the pipeline


@pytest.mark.parametrize("paragraph, figure, label", [
    (LEADERS, "1031个", "市县两级派出工作队"),
    (FINANCE, "21.99亿元", "2018年累计发放扶贫小额信贷"),
    (FINANCE, "41个", "“政融保”产业扶贫融资项目"),
    (JOBS, "87.21%", "就业率"),
    (JOBS, "3.02万人", "全市未脱贫建档立卡贫困劳动力已就业人数"),   # 截至目前 dropped
    (JOBS, "8500多个", "累计开发贫困劳动力公益性岗位"),
    (JOBS, "1.14万户", "建档立卡贫困户"),                             # 其中 and the bracket dropped
    (ECOLOGY, "825.75万元", "带动7000多名贫困人口增收"),
    (ECOLOGY, "2842名", "全市累计选聘生态护林员"),
    (ROADS, "2291公里", "修建农村公路"),
    (PROJECTS, "371.23亿元", "总投资"),
    (INDUSTRY, "900至1800元", "实现关联贫困户年收入增加"),
    (PROMOTIONS, "13名", "市派驻村干部提拔"),
    (PROMOTIONS, "1名", "市派驻村干部提拔13名、重用"),           # too short alone: takes the clause before
    (PROMOTIONS, "12人", "2018年提拔14人，重用"),
])
def test_labels_are_the_clause_without_the_figure(paragraph, figure, label):
    assert by_text(figures_of(paragraph), figure).label == label


def test_enumerations_stay_in_the_label_and_long_labels_are_cut():
    county = by_text(figures_of(DELISTED), "4个").label
    assert county.startswith("我市淮阳、商水、太康、郸城")
    leaders = figures_of(LEADERS)
    for fig in leaders:
        assert len(fig.label) <= 26 and fig.text not in fig.label
    assert by_text(leaders, "29个").label.startswith("…") and "乡镇脱贫攻坚工作" in by_text(leaders, "29个").label


# --- ranking ---------------------------------------------------------------

def fig(text, value, unit, sentence, subhead="", paragraph=0) -> KeyFigure:
    return KeyFigure(text=text, value=value, unit=unit, label="", sentence=sentence,
                     paragraph=paragraph, sentence_index=0, subhead=subhead)


def test_ranking_puts_money_then_people_then_ratios_then_others_larger_first():
    figures = [fig("9000亩", 9000, "亩", "a"), fig("50%", 50, "%", "b"), fig("30人", 30, "人", "c"),
               fig("2万元", 20000, "元", "d"), fig("300人", 300, "人", "e"), fig("5亿元", 5e8, "元", "f")]
    assert texts(rank_figures(figures)) == ["5亿元", "2万元", "300人", "30人", "50%", "9000亩"]
    assert texts(rank_figures(figures, limit=2)) == ["5亿元", "2万元"]


def test_ranking_never_takes_two_figures_from_one_sentence():
    figures = [fig("5亿元", 5e8, "元", "同一句"), fig("4亿元", 4e8, "元", "同一句"),
               fig("3亿元", 3e8, "元", "另一句", paragraph=1),
               fig("3亿元", 3e8, "元", "另一句", paragraph=7)]      # the same paragraph printed twice
    assert texts(rank_figures(figures)) == ["5亿元", "3亿元"]


def test_ranking_spreads_over_sections():
    money = [fig(f"{n}亿元", n * 1e8, "元", f"甲{n}", subhead="甲") for n in range(10, 20)]
    other = [fig("7个", 7, "个", "乙句", subhead="乙"), fig("2个", 2, "个", "丙句", subhead="丙")]
    picked = rank_figures(money + other, limit=6)
    assert texts(picked) == ["19亿元", "18亿元", "17亿元", "16亿元", "7个", "2个"]  # cap ceil(6/3)=2, relaxed
    assert texts(rank_figures(money + other, limit=3)) == ["19亿元", "7个", "2个"]


def test_ranking_is_deterministic_and_ties_keep_article_order():
    figures = figures_of(LEADERS, PROMOTIONS, INDUSTRY, JOBS, ECOLOGY, FINANCE, ROADS)
    first = rank_figures(figures)
    assert first == rank_figures(list(figures)) and len(first) == 8
    assert texts(first[:3]) == ["21.99亿元", "2.68亿元", "825.75万元"]
    assert len({f.sentence for f in first}) == 8
    ties = [fig("3个", 3, "个", "一", paragraph=0), fig("3座", 3, "座", "二", paragraph=1)]
    assert texts(rank_figures(ties)) == ["3个", "3座"]
    assert rank_figures([]) == []


# --- curated figures -------------------------------------------------------

BODY = "\n".join([LEADERS, FINANCE, JOBS])


def test_curated_figure_present_is_found_with_the_editors_label():
    figures = figures_of(LEADERS, FINANCE, JOBS)
    loan = find_curated(CuratedFigure("21.99亿元", "扶贫小额信贷"), figures, BODY)
    assert (loan.text, loan.value, loan.label, loan.paragraph) == ("21.99亿元", 2199000000.0, "扶贫小额信贷", 1)
    teams = find_curated(CuratedFigure("1031个工作队"), figures, BODY)
    assert (teams.text, teams.value, teams.label) == ("1031个", 1031.0, "市县两级派出工作队")
    assert curated_problem(CuratedFigure("1031个工作队"), figures, BODY) is None


def test_curated_figure_absent_or_not_a_figure_is_none_with_a_reason():
    figures = figures_of(LEADERS, FINANCE, JOBS)
    assert find_curated(CuratedFigure("99.99亿元"), figures, BODY) is None
    assert "does not occur" in curated_problem(CuratedFigure("99.99亿元", line=7), figures, BODY)
    assert find_curated(CuratedFigure("2018年"), figures, BODY) is None
    assert "is not a figure" in curated_problem(CuratedFigure("2018年"), figures, BODY)
    assert find_curated(CuratedFigure("1031个工作组"), figures, BODY) is None   # not verbatim
    assert find_curated(CuratedFigure(""), figures, BODY) is None


# --- CLI listing -----------------------------------------------------------

def test_cli_listing_shows_positions_values_labels_and_picks():
    figures = extract_figures([("", PROMOTIONS), ("金融扶贫助力", FINANCE)])
    out = format_for_cli(figures, picks=[by_text(figures, "21.99亿元")]).splitlines()
    assert out[0] == "## （导语）" and "## 金融扶贫助力" in out
    loan = next(line for line in out if "21.99亿元" in line)
    assert loan.startswith("★ ¶2 句2") and "2199000000 元" in loan and loan.endswith("2018年累计发放扶贫小额信贷")
    assert not next(line for line in out if "7.74万户" in line).startswith("★")
    assert len(out) == len(figures) + 2


@settings(max_examples=examples(1000))
@given(st.text(alphabet=st.sampled_from(list("约近逾第多余至到~-—.,%0123456789٣２万亿元个户人AaG 。")), max_size=40))
def test_figure_scan_is_finditer(text):
    from feature.markup.figures import _FIGURE, _figure_matches
    assert [m.span() for m in _figure_matches(text)] == [m.span() for m in _FIGURE.finditer(text)]


def test_figure_cache_holds_only_short_texts():
    from feature.markup.figures import _CACHED_TEXT, _figures_in, find_figures
    long_text = "增加21.99亿元，" * (_CACHED_TEXT // 5)
    before = _figures_in.cache_info().currsize
    assert len(find_figures(long_text)) == long_text.count("亿元")
    assert _figures_in.cache_info().currsize == before
    assert _figures_in.cache_info().maxsize is not None


def _pick_reference(figures, order, picked, limit, cap):
    """rank_figures' walk as first written: a list of the picks rebuilt per figure."""
    for k in order:
        if len(picked) == limit:
            return
        fig = figures[k]
        chosen = [figures[j] for j in picked]
        if k in picked or any(c.sentence == fig.sentence or c.text == fig.text for c in chosen):
            continue
        if sum(c.subhead == fig.subhead for c in chosen) < cap:
            picked.append(k)


_SMALL = st.sampled_from(["甲", "乙", "丙", ""])


@settings(max_examples=examples(500))
@given(st.lists(st.tuples(_SMALL, _SMALL, _SMALL, st.sampled_from(["元", "人", "%", "个"]),
                          st.integers(0, 4)), max_size=16), st.integers(0, 9))
def test_ranking_walk_is_the_reference_walk(rows, limit):
    import feature.markup.figures as figures_module
    figures = [fig(text, value, unit, sentence, subhead) for text, sentence, subhead, unit, value in rows]
    fast = rank_figures(figures, limit)
    slow_pick, figures_module._pick = figures_module._pick, _pick_reference
    try:
        assert fast == rank_figures(figures, limit)
    finally:
        figures_module._pick = slow_pick


def test_top_figures_label_only_the_picks_and_match_ranking_everything():
    from feature.markup.figures import top_figures
    paragraphs = [("", p) for p in (LEADERS, PROMOTIONS, INDUSTRY, JOBS, ECOLOGY, FINANCE, ROADS)]
    ids = {(p, s): f"s-{p}-{s}" for p in range(7) for s in range(12)}
    for limit in (0, 3, 8, 40):
        assert top_figures(paragraphs, ids, limit) == rank_figures(extract_figures(paragraphs, ids), limit)
