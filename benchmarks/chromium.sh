#!/bin/sh
# Headless Chromium, the reference the benchmark compares xfgen's PDF to; only the
# benchmark uses it (xfgen never does). Installed with apt-get when run as root on
# Debian/Ubuntu; otherwise the benchmark skips that row and says so.
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "为基准测试安装 chromium（仅供对照，xfgen 不依赖它）"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        || echo "未能安装 chromium：台账 PDF 一行将跳过" >&2
else
    echo "未安装 chromium：台账 PDF 一行将跳过（以 root 运行 apt-get install chromium 可补上）" >&2
fi
exit 0
