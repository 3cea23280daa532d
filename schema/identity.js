module.exports = require('./dist/src/kit/identity');
