module.exports = require('./dist/src/database');
