<#
    A throwaway sshd for the PowerShell remoting tests: loopback addresses only, a host key and a client key made for
    the run, pwsh registered as the "powershell" SSH subsystem with the built module on its PSModulePath (as an
    installed module would be on a real host), and an ssh_config naming each address as a host. Dot-source it;
    Start-TestSshd returns what Invoke-Command needs, Stop-TestSshd stops the daemon and its sessions and deletes the
    keys.

    -NetworkNamespace starts sshd inside that namespace (ip netns exec), where the namespace's own lo carries the
    addresses (lo must be up there); the ssh_config then goes in /etc/netns/<name>/ssh, which ip netns exec mounts over /etc/ssh for every
    process it starts there, so a plain `Invoke-Command -HostName web1` finds the port, user and key.
#>

function Start-TestSshd {
    param(
        [Parameter(Mandatory)] [string] $ModuleRoot,
        [Parameter(Mandatory)] [string[]] $HostName,
        [string] $NetworkNamespace,
        [int] $Port = 0
    )
    $sshd = '/usr/sbin/sshd'
    if (-not (Test-Path $sshd)) { throw "$sshd is missing: scripts/setup.sh installs openssh-server" }
    $pwsh = (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source

    $dir = Join-Path ([IO.Path]::GetTempPath()) "psbpf-sshd-$PID-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    New-Item -ItemType Directory -Path $dir | Out-Null
    chmod 700 $dir
    ssh-keygen -q -t ed25519 -N '' -C psbpf-test-host -f (Join-Path $dir 'host_key')
    ssh-keygen -q -t ed25519 -N '' -C psbpf-test-client -f (Join-Path $dir 'client_key')
    if ($LASTEXITCODE) { throw "ssh-keygen failed ($LASTEXITCODE)" }
    Copy-Item (Join-Path $dir 'client_key.pub') (Join-Path $dir 'authorized_keys')
    New-Item -ItemType Directory -Path /run/sshd -Force | Out-Null   # sshd's privilege-separation directory

    # Loopback addresses: lo carries all of 127.0.0.0/8 (in a namespace too, once lo is up), so each host name gets
    # an address of its own and sshd hears only those. The port: one the kernel hands out as free.
    $addresses = for ($i = 0; $i -lt $HostName.Count; $i++) { "127.0.0.$(11 + $i)" }
    if ($Port -eq 0) {
        $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Parse($addresses[0]), 0)
        $probe.Start()
        $Port = $probe.LocalEndpoint.Port
        $probe.Stop()
    }

    # pwsh -sshs reads PSModulePath from its environment: env(1) puts the built module's root first on it.
    $config = @(
        "Port $Port"
        $addresses | ForEach-Object { "ListenAddress $_" }
        "HostKey $dir/host_key"
        "PidFile $dir/sshd.pid"
        "AuthorizedKeysFile $dir/authorized_keys"
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'PermitRootLogin prohibit-password'
        'StrictModes no'
        'UsePAM no'
        'MaxStartups 64'
        "Subsystem powershell /usr/bin/env PSModulePath=$ModuleRoot $pwsh -sshs -NoLogo -NoProfile"
    )
    Set-Content -Path (Join-Path $dir 'sshd_config') -Value $config

    $client = for ($i = 0; $i -lt $HostName.Count; $i++) {
        "Host $($HostName[$i])"
        "    HostName $($addresses[$i])"
        "    Port $Port"
        '    User root'
        "    IdentityFile $dir/client_key"
        '    IdentitiesOnly yes'
        '    StrictHostKeyChecking no'
        '    UserKnownHostsFile /dev/null'
        '    LogLevel ERROR'
    }
    Set-Content -Path (Join-Path $dir 'ssh_config') -Value $client

    $etc = $null
    if ($NetworkNamespace) {
        $etc = "/etc/netns/$NetworkNamespace"
        New-Item -ItemType Directory -Path "$etc/ssh" -Force | Out-Null
        Copy-Item (Join-Path $dir 'ssh_config') "$etc/ssh/ssh_config"
        ip netns exec $NetworkNamespace $sshd -f (Join-Path $dir 'sshd_config') -E (Join-Path $dir 'sshd.log')
    }
    else {
        & $sshd -f (Join-Path $dir 'sshd_config') -E (Join-Path $dir 'sshd.log')
    }
    if ($LASTEXITCODE) { throw "sshd did not start ($LASTEXITCODE): $(Get-Content -Raw (Join-Path $dir 'sshd.log') -ErrorAction SilentlyContinue)" }

    # sshd writes its pid file once it listens.
    $deadline = (Get-Date).AddSeconds(10)
    while (-not (Test-Path (Join-Path $dir 'sshd.pid')) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
    if (-not (Test-Path (Join-Path $dir 'sshd.pid'))) { throw "sshd wrote no pid file: $(Get-Content -Raw (Join-Path $dir 'sshd.log'))" }

    [pscustomobject]@{
        Directory        = $dir
        Pid              = [int](Get-Content (Join-Path $dir 'sshd.pid'))
        Port             = $Port
        HostName         = $HostName
        Address          = $addresses
        KeyFilePath      = Join-Path $dir 'client_key'
        EtcDirectory     = $etc
        NetworkNamespace = $NetworkNamespace
        # For Invoke-Command outside a namespace, where the ssh_config above is not in /etc/ssh.
        Options          = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR'; IdentitiesOnly = 'yes' }
    }
}

function Stop-TestSshd($Sshd) {
    if (-not $Sshd) { return }
    # The listener, then the per-connection sshd processes it forked (and the pwsh each one runs).
    $children = @(Get-Content /proc/[0-9]*/stat -ErrorAction SilentlyContinue | ForEach-Object {
            $f = ($_ -replace '^.*\) ', '') -split ' '
            if ([int]$f[1] -eq $Sshd.Pid) { [int](($_ -split ' ')[0]) }
        })
    foreach ($p in @($Sshd.Pid) + $children) { kill -TERM $p 2>$null }
    $deadline = (Get-Date).AddSeconds(10)
    while ((Test-Path "/proc/$($Sshd.Pid)") -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
    if ($Sshd.EtcDirectory) {
        Remove-Item -Recurse -Force $Sshd.EtcDirectory -ErrorAction SilentlyContinue
    }
    Remove-Item -Recurse -Force $Sshd.Directory -ErrorAction SilentlyContinue
}
