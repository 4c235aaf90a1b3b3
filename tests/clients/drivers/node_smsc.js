// Driver for npm `node-smsc` 0.2.3 (rmdm/node-smsc), installed by `npm ci` in tests/clients/node.
//
//     NODE_PATH=tests/clients/node/node_modules node node_smsc.js BASE_URL LOGIN
//
// Calls (protocol: repl.py beside this file): send, status, balance, cost, and
// balance_callback (the same call, in the callback style the library also documents), each
// with the `password` to use. The values passed on are what the library resolved with; a
// rejection is passed on with the SmscApiError's `response`.
'use strict'
const readline = require('readline')
const smsc = require('node-smsc')

const [base, login] = process.argv.slice(2)

function client (password) {
  // The base URL: the library's own option `request`, the API root it resolves each call's
  // path against (lib/index.js:28); http: or https: picks the transport (:45-53).
  return smsc({ login, password, request: base.replace(/\/+$/, '') + '/sys/' })
}

const calls = {
  send: ({ password, phone, text }) =>
    client(password).send({ phones: phone, mes: text, sender: 'SMSC' }),
  status: ({ password, phone, id }) => client(password).status({ phone, id }),
  balance: ({ password }) => client(password).balance(),
  // SMSC has no cost call of its own: it is send.php with cost=1 (002), and so it is here
  cost: ({ password, phone, text }) =>
    client(password).send({ phones: phone, mes: text, sender: 'SMSC', cost: 1 }),
  balance_callback: ({ password }) => new Promise((resolve, reject) =>
    client(password).balance({}, (err, result) => err ? reject(err) : resolve(result)))
}

function emit (line) {
  process.stdout.write(JSON.stringify(line) + '\n')
}

emit({ ready: { version: require('node-smsc/package.json').version, node: process.version } })
const lines = readline.createInterface({ input: process.stdin })
let queue = Promise.resolve()
lines.on('line', line => {
  const { call, ...args } = JSON.parse(line)
  queue = queue.then(() => calls[call](args)).then(
    value => emit({ value }),
    e => emit({ raised: { type: e.name, message: e.message, response: e.response } }))
})
