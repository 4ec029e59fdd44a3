// @ts-check
'use strict';
// A stand-in for the Entra token endpoint on 127.0.0.1, in its own process (MockTestRunner
// blocks the test process while the task runs). Every token request gets Entra's answer to a
// wrong client secret, as captured from the real endpoint: 401 invalid_client, AADSTS7000215.
// Prints `listening <port>` when ready and `request <method> <path>` for each request (never
// the body, which holds the secret).

const http = require('node:http');

const TRACE = '0b6e7a5c-1d2e-4f00-9a8b-7c6d5e4f3a00';
const CORRELATION = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

const server = http.createServer((req, res) => {
  process.stdout.write(`request ${req.method} ${req.url}\n`);
  req.resume();
  req.on('end', () => {
    const body = JSON.stringify({
      error: 'invalid_client',
      error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f'. Trace ID: ${TRACE} Correlation ID: ${CORRELATION} Timestamp: 2025-05-01 12:00:00Z`,
      error_codes: [7000215],
      timestamp: '2025-05-01 12:00:00Z',
      trace_id: TRACE,
      correlation_id: CORRELATION,
      error_uri: 'https://login.microsoftonline.com/error?code=7000215',
    });
    res.writeHead(401, {
      'content-type': 'application/json; charset=utf-8',
      date: new Date().toUTCString(),
    });
    res.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`listening ${port}\n`);
});

// Ends with the test that started it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
