import http from 'node:http';

// The ceiling: the least a Node HTTP server can do for a v2 POST — read the body, answer a fixed
// success envelope. Same transport as vpc-eni (node:http, keep-alive), none of its work.

const BODY = JSON.stringify({ code: 0, message: '', codeDesc: 'Success', taskId: 1, data: { taskId: 1 } });
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(BODY) };

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`baseline listening on http://127.0.0.1:${port}/v2/index.php\n`);
});
process.once('SIGTERM', () => process.exit(0));
