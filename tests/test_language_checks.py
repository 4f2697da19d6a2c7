"""The checks of tests/language.py find what they are for and pass what they must pass."""

from tests.language import english_page_problems, japanese_page_problems


def test_an_english_page_with_japanese_text_is_found():
    assert english_page_problems("<p>Requests</p><td data-label='申請者'>Yumi</td>")
    assert english_page_problems("<button title='取消'>Cancel</button>")


def test_an_english_page_may_name_japanese_in_an_element_of_that_language_or_as_data():
    page = '<select><option lang="ja">日本語</option><option>English</option></select><p>株式会社テスト</p>'
    assert english_page_problems(page, data=("株式会社テスト",)) == []
    assert english_page_problems("<script>var a = '日本';</script><p>Home</p>") == []


def test_a_japanese_page_with_english_beside_the_japanese_is_found():
    assert japanese_page_problems("<label>利用目的 (purpose):</label>")
    assert japanese_page_problems(
        "<p>予約を申請しました。承認をお待ちください。 (Request sent; awaiting approval.)</p>"
    )
    assert japanese_page_problems('<h1>予約 <span class="alt" lang="en">Bookings</span></h1>')


def test_a_japanese_page_may_carry_abbreviations_and_latin_data():
    assert japanese_page_problems("<td>走査電子顕微鏡 (SEM)</td><td>JSM-7800F</td><p>ログイン</p>") == []


def test_a_username_beside_a_japanese_name_is_data_not_a_translation():
    page = "<td>山本 大輔 (company_member)</td>"
    assert japanese_page_problems(page)
    assert japanese_page_problems(page, data=("company_member",)) == []
