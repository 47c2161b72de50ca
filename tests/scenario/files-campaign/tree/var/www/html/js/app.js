// an ordinary script of the site
document.addEventListener('DOMContentLoaded', function () {
  var img = document.createElement('img');
  img.src = "https://cdn.example.org/banner.png";
  document.body.appendChild(img);
});
