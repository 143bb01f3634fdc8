#!/usr/bin/env bash
# Prepares a fresh Debian machine (as root, .NET SDK already present) for building and testing PSBpf:
# clang + libbpf headers for the BPF fixtures, bpftool for vmlinux.h and reference output, bpffs and tracefs mounts.
set -euo pipefail

need_pkgs=()
command -v bpftool >/dev/null 2>&1 || [ -x /usr/sbin/bpftool ] || need_pkgs+=(bpftool)
[ -f /usr/include/bpf/bpf_helpers.h ] || need_pkgs+=(libbpf-dev)
[ -f /usr/include/gelf.h ] || need_pkgs+=(libelf-dev)
[ -f /usr/include/zlib.h ] || need_pkgs+=(zlib1g-dev)
[ -f /usr/include/linux/bpf.h ] || need_pkgs+=(linux-libc-dev)
command -v make >/dev/null 2>&1 || need_pkgs+=(make)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
command -v ip >/dev/null 2>&1 || need_pkgs+=(iproute2)   # veth pairs and network namespaces for the XDP/tcx tests
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)   # sockets the cgroup hook tests drive
[ -n "$(ls /usr/include/sys/sdt.h /usr/include/*/sys/sdt.h 2>/dev/null)" ] || need_pkgs+=(systemtap-sdt-dev)   # DTRACE_PROBE in the USDT test target
if ! compgen -c | grep -qE '^clang(-[0-9]+)?$'; then need_pkgs+=(clang llvm); fi
command -v clang >/dev/null 2>&1 || need_pkgs+=(clang)   # NativeAOT links with plain `clang` (NativeAotTests, run-load.sh --cold)
# the disassembler tests compare with LLVM 14's llvm-objdump and llvm-mc (clang-14 does not pull them in)
command -v llvm-objdump-14 >/dev/null 2>&1 && command -v llvm-mc-14 >/dev/null 2>&1 || need_pkgs+=(llvm-14)
# the remoting tests run pwsh as the SSH subsystem of a loopback-only sshd they start and stop themselves
need_sshd=0
[ -x /usr/sbin/sshd ] || { need_pkgs+=(openssh-server); need_sshd=1; }
command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 || need_pkgs+=(openssh-client)

if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "setup: installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Installing openssh-server must not start a system sshd listening on every interface: policy-rc.d refuses
    # service starts while apt runs (Debian's documented switch), and the unit is disabled afterwards.
    made_policy=0
    if [ "$need_sshd" = 1 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
        made_policy=1
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
    if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
    if [ "$need_sshd" = 1 ]; then
        if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
            systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true
        fi
    fi
fi

if ! mountpoint -q /sys/fs/bpf; then
    mount -t bpf bpf /sys/fs/bpf
    echo "setup: mounted bpffs at /sys/fs/bpf"
fi

if [ ! -e /sys/kernel/tracing/trace_pipe ]; then
    mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null && echo "setup: mounted tracefs at /sys/kernel/tracing" \
        || echo "setup: tracefs could not be mounted at /sys/kernel/tracing (tracepoint attach tests will fail)"
fi

if [ ! -r /sys/kernel/btf/vmlinux ]; then
    echo "setup: this kernel has no BTF at /sys/kernel/btf/vmlinux; PSBpf's CO-RE and fixture build need it" >&2
    exit 1
fi

command -v dotnet >/dev/null 2>&1 || { echo "setup: the .NET SDK (dotnet) is required" >&2; exit 1; }

# PowerShell 7.6.9 as a .NET global tool, linked onto the PATH every shell has (the tool folder is not on it).
pwsh_version=7.6.9
tool_dir="${DOTNET_TOOLS_DIR:-$HOME/.dotnet/tools}"
if ! "$tool_dir/pwsh" -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null | grep -qx "$pwsh_version"; then
    echo "setup: installing PowerShell $pwsh_version (dotnet global tool)"
    dotnet tool uninstall --global PowerShell >/dev/null 2>&1 || true
    dotnet tool install --global PowerShell --version "$pwsh_version" >/dev/null
fi
ln -sf "$tool_dir/pwsh" /usr/local/bin/pwsh

# Pester, pinned in tools/Pester/PesterRestore.csproj, restored from NuGet by dotnet restore, then installed in the
# all-users module folder of pwsh on Linux, so `Import-Module Pester` finds it by name.
pester_version=$(sed -n 's:.*<PesterVersion>\(.*\)</PesterVersion>.*:\1:p' "$(dirname "$0")/../tools/Pester/PesterRestore.csproj")
pester_dest=/usr/local/share/powershell/Modules/Pester/$pester_version
if [ ! -f "$pester_dest/Pester.psd1" ]; then
    echo "setup: installing Pester $pester_version (NuGet)"
    dotnet restore "$(dirname "$0")/../tools/Pester/PesterRestore.csproj" -v quiet >/dev/null
    pester_pkg="${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/$pester_version/tools"
    [ -f "$pester_pkg/Pester.psd1" ] || { echo "setup: Pester $pester_version was restored but $pester_pkg/Pester.psd1 is missing" >&2; exit 1; }
    mkdir -p "$pester_dest"
    cp -r "$pester_pkg/." "$pester_dest/"
fi

echo "setup: ready (kernel $(uname -r), .NET SDK $(dotnet --version), pwsh $(pwsh -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()'), Pester $pester_version)"
