import { describe, expect, it } from "vitest";
import { buildWechatXml, parseWechatXml, XmlError } from "../connectors/wechat/wechat-xml.ts";

const TEXT_MESSAGE = `<xml>
  <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>
  <FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>
  <CreateTime>1714112445</CreateTime>
  <MsgType><![CDATA[text]]></MsgType>
  <Content><![CDATA[身份证丢了 <怎么办> & 要带什么]]></Content>
  <MsgId>4561255354251345929</MsgId>
</xml>`;

describe("WeChat XML reader", () => {
  it("reads a text message: CDATA and plain text, whitespace between elements", () => {
    expect(parseWechatXml(TEXT_MESSAGE)).toEqual({
      ToUserName: "gh_97417a04a28d",
      FromUserName: "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
      CreateTime: "1714112445",
      MsgType: "text",
      Content: "身份证丢了 <怎么办> & 要带什么",
      MsgId: "4561255354251345929",
    });
  });

  it("reads the XML declaration, a BOM, comments, empty elements and nested events", () => {
    const xml = `\uFEFF<?xml version="1.0" encoding="utf-8"?><!-- pushed --><xml><Event>scancode_push</Event><EventKey/>
      <ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>1</ScanResult></ScanCodeInfo>
      <SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo></xml>`;
    expect(parseWechatXml(xml)).toEqual({
      Event: "scancode_push",
      EventKey: "",
      ScanCodeInfo: { ScanType: "qrcode", ScanResult: "1" },
      SendPicsInfo: { Count: "2", PicList: { item: [{ PicMd5Sum: "a" }, { PicMd5Sum: "b" }] } },
    });
  });

  it("decodes XML's predefined entities and character references, nothing else", () => {
    expect(
      parseWechatXml("<xml><Content>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#20320;&#x597D;</Content></xml>")
        .Content,
    ).toBe(`a <b> & "c" 'd' 你好`);
  });

  it.each([
    ["a DOCTYPE", '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><Content>&x;</Content></xml>'],
    [
      "an external entity",
      '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>',
    ],
    [
      "a billion laughs",
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>',
    ],
    ["a DOCTYPE inside the root", "<xml><!DOCTYPE x><Content>a</Content></xml>"],
    ["an undeclared entity", "<xml><Content>&nbsp;</Content></xml>"],
    ["a bare ampersand", "<xml><Content>a & b</Content></xml>"],
    ["a processing instruction", "<xml><?php echo 1 ?><Content>a</Content></xml>"],
    ["an unclosed element", "<xml><Content>a</xml>"],
    ["mismatched tags", "<xml><Content>a</Contents></xml>"],
    ["no root", "just text"],
    ["an empty body", ""],
    ["two roots", "<xml></xml><xml></xml>"],
    ["text after the root", "<xml></xml>trailing"],
    ["an unterminated CDATA", "<xml><Content><![CDATA[abc</Content></xml>"],
    ["a character reference to NUL", "<xml><Content>&#0;</Content></xml>"],
    ["deep nesting", `<xml>${"<a>".repeat(20)}x${"</a>".repeat(20)}</xml>`],
    ["too many elements", `<xml>${"<a>x</a>".repeat(2000)}</xml>`],
    ["mixed text and elements", "<xml>text<Content>a</Content></xml>"],
    ["a root other than <xml>", "<root><Content>a</Content></root>"],
  ])("refuses %s", (_what, xml) => {
    expect(() => parseWechatXml(xml)).toThrow(XmlError);
  });

  // Linear scanning: with backtracking these would run into the test's timeout.
  it("handles hostile input without blowing up", () => {
    expect(() => parseWechatXml(`<xml><Content>${"&".repeat(200_000)}</Content></xml>`)).toThrow(XmlError);
    expect(() => parseWechatXml(`<xml>${"<a ".repeat(50_000)}`)).toThrow(XmlError);
    expect(() => parseWechatXml(`<xml><Content>${"]]".repeat(100_000)}</Content></xml>`)).not.toThrow();
  });
});

describe("WeChat XML writer", () => {
  it("writes strings as CDATA and numbers bare, and reads back the same", () => {
    const xml = buildWechatXml({
      ToUserName: "o1",
      CreateTime: 1714112445,
      MsgType: "text",
      Content: "你好 <b> & ]]> 结束",
    });
    expect(xml).toBe(
      "<xml><ToUserName><![CDATA[o1]]></ToUserName><CreateTime>1714112445</CreateTime><MsgType><![CDATA[text]]></MsgType>" +
        "<Content><![CDATA[你好 <b> & ]]]]><![CDATA[> 结束]]></Content></xml>",
    );
    expect(parseWechatXml(xml).Content).toBe("你好 <b> & ]]> 结束");
  });

  it("writes articles as repeated items and drops characters XML cannot carry", () => {
    const xml = buildWechatXml({ Articles: [{ Title: "a\u0001b" }, { Title: "c" }] });
    expect(parseWechatXml(xml)).toEqual({ Articles: { item: [{ Title: "ab" }, { Title: "c" }] } });
  });
});
