#!/bin/sh
# Make sure the system pieces PDF output needs are present:
# CJK fonts (fonts-noto-cjk: the 公文's serif, sans and bold faces; fonts-arphic-ukai: its 楷体),
# Pango and HarfBuzz-Subset for WeasyPrint, poppler-utils (pdftotext, pdffonts, for tests),
# rsync (xfgen publish to an rsync target) and Chromium (the tests that open pages in a browser).
# Installs them with apt-get when run as root on Debian/Ubuntu; otherwise says what to install.
set -eu

missing=""
fc-list :lang=zh family 2>/dev/null | grep -qi "Noto Serif CJK SC" || missing="$missing fonts-noto-cjk"
# a 楷体 for the summary's second-level headings (LXGW WenKai, fonts-lxgw-wenkai, serves as well)
fc-list :lang=zh family 2>/dev/null | grep -qi -e "UKai CN" -e "LXGW WenKai" -e "楷体" -e "KaiTi" \
    || missing="$missing fonts-arphic-ukai"
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0" || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
# WeasyPrint subsets fonts with HarfBuzz; without it it falls back to fontTools and warns on every PDF.
ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset" || missing="$missing libharfbuzz-subset0"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
command -v fc-list >/dev/null 2>&1 || missing="$missing fontconfig"
# xfgen publish to an rsync target (and its tests)
command -v rsync >/dev/null 2>&1 || missing="$missing rsync"
# the browser tests (ledger tools, pages in a 1366 px window); xfgen itself never needs it
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || missing="$missing chromium"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装系统依赖：$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fc-cache -f >/dev/null 2>&1 || true
    exit 0
fi

cat >&2 <<MSG
缺少生成 PDF 所需的系统组件：$missing
请安装后再试，例如在 Debian/Ubuntu 上：
    sudo apt-get install $missing
（中文字体也可用思源黑体/宋体，楷体也可用 fonts-lxgw-wenkai；机关自己的公文字体见 xfgen doctor；装好后运行 fc-cache -f。）
MSG
exit 1
