// Marks the page as scripted before it is drawn: the stylesheet then hides
// the navigation behind Bootstrap Italia's toggle on small screens, which
// a page without scripts shows as a plain list.
document.documentElement.classList.add("js");
