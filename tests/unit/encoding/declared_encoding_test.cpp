// html_body_declared_encoding: <meta charset>, <meta content="...charset=">
// and XML declarations in the first 4096 bytes, before <body>.

#include <trawl/encoding.hpp>

#include <gtest/gtest.h>

#include <string>

namespace trawl {
namespace {

std::string declared(std::string_view body) { return html_body_declared_encoding(body).value_or("(none)"); }

TEST(HtmlBodyDeclaredEncoding, MetaForms)
{
    EXPECT_EQ(declared("<meta charset=\"koi8-r\">"), "KOI8-R");
    EXPECT_EQ(declared("<META CHARSET=KOI8-R>"), "KOI8-R");
    EXPECT_EQ(declared("<meta charset='Shift_JIS'/>"), "Shift_JIS");
    EXPECT_EQ(declared("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=EUC-JP\">"), "EUC-JP");
    EXPECT_EQ(declared("<meta content='text/html; charset=\"windows-1251\"' http-equiv=content-type>"),
              "windows-1251");
    EXPECT_EQ(declared("<meta content=\"text/html;charset = big5\">"), "Big5");
    // charset= wins over content= whatever their order.
    EXPECT_EQ(declared("<meta content=\"text/html; charset=koi8-r\" charset=\"koi8-u\">"), "KOI8-U");
}

TEST(HtmlBodyDeclaredEncoding, OnlyRealAttributesCount)
{
    EXPECT_EQ(declared("<meta name=\"description\" value=\"charset=koi8-r\">"), "(none)");
    EXPECT_EQ(declared("<metadata charset=\"koi8-r\">"), "(none)");
    EXPECT_EQ(declared("<p title='<meta charset=koi8-r>'>x</p>"), "KOI8-R") << "as w3lib: tags are not tracked";
    EXPECT_EQ(declared("<meta name=x><meta charset=gbk>"), "gb18030");
}

TEST(HtmlBodyDeclaredEncoding, UnknownLabelDoesNotEndTheSearch)
{
    EXPECT_EQ(declared("<meta charset=\"x-klingon\"><meta charset=\"koi8-r\">"), "KOI8-R");
}

TEST(HtmlBodyDeclaredEncoding, DeclaredUnicodeMeansUtf8)
{
    EXPECT_EQ(declared("<meta charset=\"utf-16\">"), "UTF-8");
    EXPECT_EQ(declared("<meta charset=\"UTF-32LE\">"), "UTF-8");
}

TEST(HtmlBodyDeclaredEncoding, XmlDeclaration)
{
    EXPECT_EQ(declared("<?xml version='1.0' encoding='Shift_JIS'?><r/>"), "Shift_JIS");
    EXPECT_EQ(declared("<?xml version=\"1.0\" encoding = \"ISO-8859-2\" standalone=\"yes\"?>"), "ISO-8859-2");
    EXPECT_EQ(declared("<?xml version=\"1.0\"?><r/>"), "(none)");
    EXPECT_EQ(declared("<?xml-stylesheet href=\"a.xsl\" encoding=\"koi8-r\"?>"), "(none)");
}

TEST(HtmlBodyDeclaredEncoding, BodyAndComments)
{
    EXPECT_EQ(declared("<html><body><meta charset=koi8-r>"), "(none)");
    EXPECT_EQ(declared("<html><BODY class=x><meta charset=koi8-r>"), "(none)");
    EXPECT_EQ(declared("<bodyguard><meta charset=koi8-r>"), "KOI8-R");
    EXPECT_EQ(declared("<!-- <meta charset=koi8-r> --><meta charset=koi8-u>"), "KOI8-U");
    EXPECT_EQ(declared("<!-- never closed <meta charset=koi8-r>"), "(none)");
}

TEST(HtmlBodyDeclaredEncoding, FoundAfterOneKilobyteOfContent)
{
    // The HTML standard's prescan stops at 1024 bytes; w3lib reads 4096.
    std::string page = "<html><head><script>" + std::string(1500, 'x') + "</script>";
    page += "<meta charset=\"windows-1250\"></head><body>";
    ASSERT_GT(page.find("<meta"), 1024u);
    EXPECT_EQ(declared(page), "windows-1250");
}

TEST(HtmlBodyDeclaredEncoding, OnlyTheFirst4096BytesAreRead)
{
    const std::string meta = "<meta charset=\"windows-1250\">";
    const std::string inside = std::string(4096 - meta.size(), ' ') + meta;
    ASSERT_EQ(inside.size(), 4096u);
    EXPECT_EQ(declared(inside), "windows-1250");
    EXPECT_EQ(declared(std::string(10, ' ') + inside), "(none)") << "the label is cut off at the 4096th byte";
    EXPECT_EQ(declared(std::string(5000, ' ') + meta), "(none)");
}

TEST(HtmlBodyDeclaredEncoding, NothingDeclared)
{
    EXPECT_EQ(declared(""), "(none)");
    EXPECT_EQ(declared("<"), "(none)");
    EXPECT_EQ(declared("<meta"), "(none)");
    EXPECT_EQ(declared("<meta charset=\"koi8-r"), "(none)");
    EXPECT_EQ(declared("<html><head><title>x</title></head></html>"), "(none)");
    EXPECT_EQ(declared(std::string(100000, '<')), "(none)");
}

} // namespace
} // namespace trawl
