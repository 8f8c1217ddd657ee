"""CSV cells a spreadsheet would run as formulas get a leading quote; numbers and text stay."""

import pytest

from site_builder.core.csvcell import csv_text, safe_cell


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+1+2", "-A1", "@cmd", "\tx", "\rx", "-", "=1", "-3.", "+.5",
                                  "-1-2", "-1.5.2"])
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-3", "+2.50", "-0.5", "+7", "123"])
def test_plain_signed_numbers_stay_numbers(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(("value", "cell"), [(None, ""), (0, "0"), (-4, "-4"), (2.5, "2.5"), ("税务系统", "税务系统"),
                                             ("a=b", "a=b"), (" =x", " =x"), ("", "")])
def test_other_values_are_their_text(value, cell):
    assert safe_cell(value) == cell


def test_csv_text_has_crlf_lines_quotes_and_safe_cells():
    text = csv_text(["单位", "=得分"], [["南平,税务", 3], ["@evil", None], ["-2", "-x"]])
    assert text == "单位,'=得分\r\n\"南平,税务\",3\r\n'@evil,\r\n-2,'-x\r\n"


def test_csv_text_of_a_header_alone():
    assert csv_text(("a", "b"), []) == "a,b\r\n"
