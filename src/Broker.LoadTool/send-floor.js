// The floor under every broker figure on a machine: the cost of one small TCP send on loopback. A server process writes
// a 150-byte chunk to each of N connected sockets in turn (one send syscall per write), a child process reads them;
// prints writes per second and the server's CPU per write.   node src/Broker.LoadTool/send-floor.js [N=1000]
const net = require('net'); const { fork } = require('child_process');
const client = process.argv[2] === 'client';
const N = +((client ? process.argv[3] : process.argv[2]) || 1000), SECS = 5;
if (client) {
  const port = +process.argv[4]; let got = 0; let open = 0;
  for (let i = 0; i < N; i++) { const s = net.connect(port, '127.0.0.1', () => { if (++open === N) process.send('ready'); }); s.on('data', d => { got += d.length; }); }
  process.on('message', () => process.send(got));
} else {
  const socks = [];
  const srv = net.createServer(s => { s.setNoDelay(true); socks.push(s); }).listen(0, '127.0.0.1', () => {
    const child = fork(__filename, ['client', N, srv.address().port]);
    child.once('message', () => {
      const buf = Buffer.alloc(150, 120); let writes = 0; const t0 = Date.now(); const c0 = process.cpuUsage();
      function burst() { for (let r = 0; r < 20; r++) for (const s of socks) { s.write(buf); writes++; }
        if (Date.now() - t0 < SECS * 1000) setImmediate(burst); else done(); }
      function done() { const c = process.cpuUsage(c0); const secs = (Date.now() - t0) / 1000; const cpu = (c.user + c.system) / 1e6;
        console.log(`writes/s ${Math.round(writes / secs)}  server CPU ${(cpu / secs).toFixed(2)} cores  ${(cpu * 1e6 / writes).toFixed(2)} µs per write (user ${(c.user/writes).toFixed(2)}, sys ${(c.system/writes).toFixed(2)})`);
        child.kill(); process.exit(0); }
      burst();
    });
  });
}
