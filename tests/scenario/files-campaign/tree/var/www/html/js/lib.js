(function () {
  var s = document.createElement('script');
  s.src = "https://authedmine.com/lib/authedmine.min.js";
  document.head.appendChild(s);
})();
