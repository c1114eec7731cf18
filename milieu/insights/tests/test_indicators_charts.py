"""The server-rendered series chart: an image with a title and a description of every value, a
column per shown value, none for a suppressed one, and its data table."""

from milieu.core.charts_series import Point, column_chart, data_table

POINTS = [
    Point("Jan", 10.0, "10", "January 2026"),
    Point("Feb", None, "fewer than 5", "February 2026"),
    Point("Mar", 20.0, "20", "March 2026"),
]


def test_the_chart_is_an_image_described_in_words():
    svg = str(column_chart(POINTS, title="Posts <all>", unit="h"))
    assert svg.startswith('<svg class="chart chart-series" role="img"')
    assert "<title id=" in svg and "Posts &lt;all&gt;</title>" in svg
    assert "January 2026: 10 h; February 2026: fewer than 5; March 2026: 20 h</desc>" in svg
    assert svg.count('class="chart-bar"') == 2
    assert "&lt;5</text>" in svg


def test_the_tallest_column_fills_the_chart():
    svg = str(column_chart(POINTS, title="t"))
    assert 'height="134.0" class="chart-bar"' in svg  # 180 - 22 - 24
    assert 'height="67.0" class="chart-bar"' in svg


def test_the_table_lists_each_month_with_what_people_read():
    table = str(data_table(POINTS, caption="Posts", label_header="Month", value_header="Posts"))
    assert "<caption>Posts</caption>" in table
    assert (
        '<tr><th scope="row">February 2026</th><td class="number">fewer than 5</td></tr>' in table
    )
