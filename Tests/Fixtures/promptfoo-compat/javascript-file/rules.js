module.exports = {
  politeness: (output) => (output.toLowerCase().includes('please') ? 1 : 0),
  vip: (output) => output.includes('VIP'),
};
